package dev.broadband.protocol.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.broadband.protocol.status.ClientState;
import dev.broadband.protocol.sender.HashCache;
import dev.broadband.protocol.sender.ImageEncoder;
import dev.broadband.protocol.sender.ImageSource;
import dev.broadband.protocol.sender.StreamSource;
import dev.broadband.protocol.sender.Server;
import dev.broadband.protocol.sender.ServerConfig;
import dev.broadband.protocol.status.SessionStatus;
import dev.broadband.protocol.sender.StartPolicy;
import dev.broadband.protocol.session.Sha256;
import dev.broadband.protocol.sink.FileSink;
import dev.broadband.protocol.sink.ForwardingSink;
import dev.broadband.protocol.sink.StreamSink;
import dev.broadband.protocol.transport.ForwardingPort;
import dev.broadband.protocol.transport.LossyPort;
import dev.broadband.protocol.transport.MemoryNetwork;
import dev.broadband.protocol.transport.PacketPort;
import dev.broadband.protocol.wire.ControlMessage.DoneAck;
import dev.broadband.protocol.wire.MalformedPacketException;
import dev.broadband.protocol.wire.PacketAuthenticator;
import dev.broadband.protocol.wire.WireCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.net.InetSocketAddress;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** Whole sessions, real sender and receivers, over an in-memory lossy segment with seeded loss. */
class InProcessSessionTest {
    private static final InetSocketAddress SERVER = MemoryNetwork.address(1, 7855);
    private static final InetSocketAddress DATA = MemoryNetwork.address(255, 7854);

    @TempDir
    Path dir;
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    private Path image(long size, long seed) throws Exception {
        byte[] bytes = new byte[(int) size];
        new SplittableRandom(seed).nextBytes(bytes);
        Path image = dir.resolve("image-" + seed);
        Files.write(image, bytes);
        return image;
    }

    private static Sha256 sha(Path file) throws Exception {
        try (ImageSource source = ImageSource.open(file)) {
            return source.digest(f -> {});
        }
    }

    /** A server running a session on its own thread, with the status it publishes. */
    private record RunningServer(Server server, CompletableFuture<Boolean> result, AtomicReference<SessionStatus> board) {
        void awaitBytesSent(long bytes) throws InterruptedException {
            while (board.get() == null || board.get().bytesSent() < bytes) {
                Thread.sleep(1);
            }
        }
    }

    private RunningServer startServer(MemoryNetwork net, Path image, int minClients, PacketAuthenticator key, long rate,
                                      boolean parity) throws Exception {
        return startServer(net, image, minClients, key, rate, parity, null);
    }

    /** @param declared the image's SHA-256 as given to the server beforehand (--sha256); null for none */
    private RunningServer startServer(MemoryNetwork net, Path image, int minClients, PacketAuthenticator key, long rate,
                                      boolean parity, Sha256 declared) throws Exception {
        return startServer(net, ImageSource.open(image), minClients, key, rate, parity, declared);
    }

    private RunningServer startServer(MemoryNetwork net, StreamSource source, int minClients, PacketAuthenticator key,
                                      long rate, boolean parity, Sha256 declared) {
        return startServer(net, source, minClients, key, rate, parity, declared, null);
    }

    /** @param sourceSha256 the compressed file's SHA-256, as the server checked it against its --sha256 */
    private RunningServer startServer(MemoryNetwork net, StreamSource source, int minClients, PacketAuthenticator key,
                                      long rate, boolean parity, Sha256 declared, Sha256 sourceSha256) {
        ServerConfig config = new ServerConfig(DATA, 7855, rate, new StartPolicy(minClients, Duration.ofMillis(200), null),
                Duration.ofSeconds(5), ServerConfig.DEFAULT_BLOCK_PACKETS, WireCodec.MAX_DATAGRAM, parity, 0, declared,
                sourceSha256);
        PacketPort port = net.open(SERVER);
        AtomicReference<SessionStatus> board = new AtomicReference<>();
        Server server = new Server(port, source, new WireCodec(key), config, board::set);
        CompletableFuture<Boolean> result = CompletableFuture.supplyAsync(() -> {
            try (source) {
                return server.run();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }, threads);
        return new RunningServer(server, result, board);
    }

    private CompletableFuture<ClientResult> startClient(PacketPort port, PacketAuthenticator key, SinkFactory sinks) {
        return startClient(port, key, null, sinks);
    }

    private CompletableFuture<ClientResult> startClient(PacketPort port, PacketAuthenticator key, Sha256 expected,
                                                        SinkFactory sinks) {
        return startClient(port, key, expected, sinks, ProgressListener.NONE);
    }

    private CompletableFuture<ClientResult> startClient(PacketPort port, PacketAuthenticator key, Sha256 expected,
                                                        SinkFactory sinks, ProgressListener progress) {
        ClientConfig config = new ClientConfig(SERVER, "c", expected, Duration.ofSeconds(60), Duration.ofSeconds(10),
                ClientConfig.DEFAULT_BUFFER_BYTES);
        return CompletableFuture.supplyAsync(() -> {
            try {
                return new Client(port, new WireCodec(key), config, sinks, progress).run();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }, threads);
    }

    @ParameterizedTest(name = "parity repair: {0}")
    @ValueSource(booleans = {true, false})
    void fiftyClientsAtFivePercentLossAllGetTheImageByteForByte(boolean parity) throws Exception {
        MemoryNetwork net = new MemoryNetwork(2048);
        Path image = image(3_000_000, 1);
        byte[] expected = Files.readAllBytes(image);
        RunningServer server = startServer(net, image, 50, null, 0, parity);
        List<CompletableFuture<ClientResult>> clients = new ArrayList<>();
        List<Object> outputs = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            PacketPort port = new LossyPort(net.open(), 0.05, 0.05, new SplittableRandom(100 + i));
            if (i % 2 == 0) {
                Path out = dir.resolve("out-" + i);
                outputs.add(out);
                clients.add(startClient(port, null, (size, buf) -> FileSink.open(out, size)));
            } else {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                outputs.add(out);
                clients.add(startClient(port, null, (size, buf) -> new StreamSink(Channels.newChannel(out), "memory", size, buf)));
            }
        }
        for (CompletableFuture<ClientResult> c : clients) {
            assertThat(c.get(120, TimeUnit.SECONDS).ok()).isTrue();
        }
        assertThat(server.result().get(30, TimeUnit.SECONDS)).isTrue();
        for (Object out : outputs) {
            byte[] got = out instanceof Path p ? Files.readAllBytes(p) : ((ByteArrayOutputStream) out).toByteArray();
            assertThat(got).isEqualTo(expected);
        }
        SessionStatus status = server.board().get();
        assertThat(status.clients()).hasSize(50).allMatch(c -> c.state().name().equals("SUCCEEDED"));
        assertThat(status.counters().repairPackets()).isPositive();
    }

    /** Zero, text and random ranges: an image whose chunks travel as marks, zstd frames and raw bytes. */
    private Path sparseImage() throws Exception {
        byte[] bytes = new byte[(5 << 20) - 12345];
        new SplittableRandom(40).nextBytes(bytes);
        java.util.Arrays.fill(bytes, 1 << 20, 3 << 20, (byte) 0);
        writeLines(bytes, 3 << 20, bytes.length, "deb http://deb.debian.org/debian bookworm main\n");
        Path image = dir.resolve("sparse");
        Files.write(image, bytes);
        return image;
    }

    @Test
    void anImageSentAsChunksReachesTenClientsAtFivePercentLossByteForByteInAFractionOfItsSize() throws Exception {
        MemoryNetwork net = new MemoryNetwork(4096);
        Path image = sparseImage();
        byte[] expected = Files.readAllBytes(image);
        RunningServer server = startServer(net, ImageEncoder.encode(ImageSource.open(image), dir), 10, null, 0,
                true, null);
        List<CompletableFuture<ClientResult>> clients = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Path out = dir.resolve("out-" + i);
            clients.add(startClient(new LossyPort(net.open(), 0.05, 0.05, new SplittableRandom(200 + i)), null,
                    (size, buf) -> FileSink.open(out, size)));
        }
        for (CompletableFuture<ClientResult> c : clients) {
            ClientResult result = c.get(120, TimeUnit.SECONDS);
            assertThat(result.ok()).as(result.message()).isTrue();
            assertThat(result.message()).contains("verified sha256 " + sha(image).hex());
        }
        assertThat(server.result().get(30, TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < 10; i++) {
            assertThat(Files.readAllBytes(dir.resolve("out-" + i))).isEqualTo(expected);
        }
        // One raw MiB, two of text, two of zeros: well under half the image travels, repairs included.
        assertThat(server.board().get().bytesSent()).isLessThan(expected.length / 2);
    }

    private static void writeLines(byte[] bytes, int from, int to, String text) {
        byte[] line = text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        for (int i = from; i < to; i++) {
            bytes[i] = line[i % line.length];
        }
    }

    /** The sparse image as its previous version was: another line of text in chunk 3. */
    private static byte[] previousVersion(byte[] image) {
        byte[] previous = image.clone();
        writeLines(previous, 3 << 20, 4 << 20, "deb http://deb.debian.org/debian bullseye main\n");
        return previous;
    }

    @Test
    void aTargetHoldingThePreviousVersionReceivesOnlyTheChunkThatChanged() throws Exception {
        MemoryNetwork net = new MemoryNetwork(4096);
        Path image = sparseImage();
        byte[] expected = Files.readAllBytes(image);
        Path out = dir.resolve("previous");
        Files.write(out, previousVersion(expected));
        RunningServer server = startServer(net, ImageEncoder.encode(ImageSource.open(image), dir), 1, null, 0,
                true, null);
        ClientResult result = startClient(new LossyPort(net.open(), 0.05, 0.05, new SplittableRandom(300)), null,
                (size, buf) -> FileSink.openKeeping(out, size)).get(60, TimeUnit.SECONDS);
        assertThat(result.ok()).as(result.message()).isTrue();
        assertThat(server.result().get(30, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readAllBytes(out)).isEqualTo(expected);
        // Chunk 0 alone is a raw MiB: it was already there, and only chunk 3's few compressed bytes travelled.
        assertThat(server.board().get().bytesSent()).isLessThan(256 << 10);
    }

    @Test
    void targetsHoldingHalfOfThisImageGarbageOrNothingEachEndAsTheImageVerified() throws Exception {
        MemoryNetwork net = new MemoryNetwork(4096);
        Path image = sparseImage();
        byte[] expected = Files.readAllBytes(image);
        byte[] garbage = new byte[expected.length + 5000];
        new SplittableRandom(41).nextBytes(garbage);
        Path half = dir.resolve("half");
        Files.write(half, java.util.Arrays.copyOf(expected, expected.length / 2));
        Path previous = dir.resolve("previous");
        Files.write(previous, previousVersion(expected));
        Path noise = dir.resolve("garbage");
        Files.write(noise, garbage);
        Path none = dir.resolve("none");
        List<Path> targets = List.of(half, previous, noise, none);
        RunningServer server = startServer(net, ImageEncoder.encode(ImageSource.open(image), dir), targets.size(), null,
                0, true, null);
        List<CompletableFuture<ClientResult>> clients = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            Path out = targets.get(i);
            clients.add(startClient(new LossyPort(net.open(), 0.05, 0.05, new SplittableRandom(310 + i)), null,
                    (size, buf) -> FileSink.openKeeping(out, size)));
        }
        for (CompletableFuture<ClientResult> c : clients) {
            ClientResult result = c.get(120, TimeUnit.SECONDS);
            assertThat(result.ok()).as(result.message()).isTrue();
        }
        assertThat(server.result().get(30, TimeUnit.SECONDS)).isTrue();
        for (Path out : targets) {
            assertThat(Files.readAllBytes(out)).as(out.toString()).isEqualTo(expected);
        }
    }

    @Test
    void aClientThatWritesToStdoutRefusesAnImageSentAsChunksSayingWhatToDo() throws Exception {
        MemoryNetwork net = new MemoryNetwork(4096);
        Path image = sparseImage();
        RunningServer server = startServer(net, ImageEncoder.encode(ImageSource.open(image), dir), 1, null, 0,
                true, null);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ClientResult client = startClient(net.open(), null,
                (size, buf) -> new StreamSink(Channels.newChannel(out), "stdout", size, buf)).get(60, TimeUnit.SECONDS);
        assertThat(client.ok()).isFalse();
        assertThat(client.message()).contains("compressed chunks, which stdout cannot take yet")
                .contains("--encoding raw");
        assertThat(out.size()).isZero();
        assertThat(server.result().get(30, TimeUnit.SECONDS)).isFalse();
    }

    /** Without the hash up front a client that requires it waits out the first pass and asks for all of it again. */
    private static void assertOnePass(RunningServer server, long imageBytes) {
        int payload = WireCodec.MAX_DATAGRAM - WireCodec.DATA_HEADER;
        long imagePackets = (imageBytes + payload - 1) / payload;
        assertThat(server.board().get().counters().dataPackets()).as("one pass, not two").isLessThan(imagePackets * 5 / 4);
    }

    @Test
    void aHashGivenToTheServerBeforehandLetsAClientThatRequiresItWriteFromTheFirstPass() throws Exception {
        MemoryNetwork net = new MemoryNetwork(4096);
        Path image = image(2_000_000, 16);
        RunningServer server = startServer(net, image, 1, null, 0, true, sha(image));
        Path out = dir.resolve("out");
        ClientResult client = startClient(net.open(), null, sha(image), (size, buf) -> FileSink.open(out, size))
                .get(60, TimeUnit.SECONDS);
        assertThat(client.ok()).isTrue();
        assertThat(Files.readAllBytes(out)).isEqualTo(Files.readAllBytes(image));
        assertThat(server.result().get(30, TimeUnit.SECONDS)).isTrue();
        assertOnePass(server, 2_000_000);
    }

    @Test
    void aHashKeptByTheFirstBroadcastIsAnnouncedAtOnceByTheNextWhichHashesNothing() throws Exception {
        Path image = image(2_000_000, 19);
        HashCache first = HashCache.of(image);
        assertThat(first.kept()).isNull();
        MemoryNetwork net = new MemoryNetwork(4096);
        RunningServer hashing = startServer(net, first.source(ImageSource.open(image)), 1, null, 0, true, null);
        assertThat(startClient(net.open(), null, (size, buf) -> FileSink.open(dir.resolve("first"), size))
                .get(60, TimeUnit.SECONDS).ok()).isTrue();
        assertThat(hashing.result().get(30, TimeUnit.SECONDS)).isTrue();
        assertThat(hashing.server().firstPassSha256()).isEqualTo(sha(image));
        first.keep(hashing.server().firstPassSha256());

        HashCache next = HashCache.of(image);
        assertThat(next.kept()).isEqualTo(sha(image));
        MemoryNetwork again = new MemoryNetwork(4096);
        RunningServer known = startServer(again, next.source(ImageSource.open(image)), 1, null, 0, true, null);
        Path out = dir.resolve("out");
        // A client that requires the hash writes from the first pass only if it was announced from the start.
        ClientResult client = startClient(again.open(), null, sha(image), (size, buf) -> FileSink.open(out, size))
                .get(60, TimeUnit.SECONDS);
        assertThat(client.ok()).isTrue();
        assertThat(Files.readAllBytes(out)).isEqualTo(Files.readAllBytes(image));
        assertThat(known.result().get(30, TimeUnit.SECONDS)).isTrue();
        assertThat(known.server().firstPassSha256()).as("nothing hashed on the way").isNull();
        assertOnePass(known, 2_000_000);
    }

    @Test
    void aKeptHashThatIsNotTheImagesFailsEveryClientAndNoneSucceeds() throws Exception {
        Path image = image(2_000_000, 20);
        Sha256 other = sha(image(1000, 21));
        HashCache.of(image).keep(other);
        MemoryNetwork net = new MemoryNetwork(4096);
        RunningServer server = startServer(net, HashCache.of(image).source(ImageSource.open(image)), 1, null, 0, true,
                null);
        ClientResult client = startClient(net.open(), null, (size, buf) -> FileSink.open(dir.resolve("out"), size))
                .get(60, TimeUnit.SECONDS);
        assertThat(client.ok()).isFalse();
        assertThat(client.message()).contains(other.hex());
        assertThat(server.result().get(30, TimeUnit.SECONDS)).isFalse();
    }

    @Test
    void aServerWhoseImageIsNotTheOneDeclaredAbortsAndNoClientSucceeds() throws Exception {
        MemoryNetwork net = new MemoryNetwork(4096);
        Path image = image(2_000_000, 17);
        Sha256 other = sha(image(1000, 18));
        RunningServer server = startServer(net, image, 1, null, 0, true, other);
        ClientResult client = startClient(net.open(), null, (size, buf) -> FileSink.open(dir.resolve("out"), size))
                .get(60, TimeUnit.SECONDS);
        assertThat(client.ok()).isFalse();
        assertThat(client.message()).contains("aborted").contains("not the " + other.hex() + " given with --sha256");
        assertThat(server.result().get(30, TimeUnit.SECONDS)).isFalse();
    }

    @Test
    void withTheExpectedHashAClientWritesOnlyOnceTheServerAnnouncedItAndGetsTheImage() throws Exception {
        MemoryNetwork net = new MemoryNetwork(4096);
        Path image = image(2_000_000, 6);
        RunningServer server = startServer(net, image, 1, null, 0, true);
        Path out = dir.resolve("out");
        ClientResult client = startClient(new LossyPort(net.open(), 0.02, 0, new SplittableRandom(6)), null, sha(image),
                (size, buf) -> FileSink.open(out, size)).get(60, TimeUnit.SECONDS);
        assertThat(client.ok()).isTrue();
        assertThat(Files.readAllBytes(out)).isEqualTo(Files.readAllBytes(image));
        assertThat(server.result().get(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void theClientSaysWhenItJoinedBeforeAnyProgressSoThatWhatItDidWhileWaitingCanStop() throws Exception {
        MemoryNetwork net = new MemoryNetwork(4096);
        Path image = image(500_000, 9);
        RunningServer server = startServer(net, image, 1, null, 0, true);
        RecordingProgress progress = new RecordingProgress();
        Path out = dir.resolve("out");
        ClientResult client = startClient(net.open(), null, null, (size, buf) -> FileSink.open(out, size), progress)
                .get(60, TimeUnit.SECONDS);
        assertThat(client.ok()).isTrue();
        assertThat(server.result().get(30, TimeUnit.SECONDS)).isTrue();
        List<String> heard = progress.heard();
        assertThat(heard.get(0)).isEqualTo("joined");
        assertThat(heard).containsOnlyOnce("joined").anyMatch(e -> e.startsWith("receiving ")).endsWith("finished");
    }

    @Test
    void theHashOfTheCompressedFileTheServerCheckedMeetsAClientThatRequiresItAndNoOtherDoes() throws Exception {
        MemoryNetwork net = new MemoryNetwork(4096);
        Path image = sparseImage();
        Path gz = dir.resolve("image.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            Files.copy(image, out);
        }
        Sha256 file = sha(gz);
        RunningServer server = startServer(net, ImageEncoder.encode(ImageSource.open(gz), dir), 2, null, 0, true, null,
                file);
        Path accepted = dir.resolve("accepted");
        Path refused = dir.resolve("refused");
        CompletableFuture<ClientResult> first = startClient(net.open(), null, file,
                (size, buf) -> FileSink.open(accepted, size));
        CompletableFuture<ClientResult> second = startClient(net.open(), null, sha(image(1000, 19)),
                (size, buf) -> FileSink.open(refused, size));
        ClientResult ok = first.get(60, TimeUnit.SECONDS);
        assertThat(ok.ok()).as(ok.message()).isTrue();
        assertThat(ok.message()).contains("verified sha256 " + sha(image).hex());
        assertThat(Files.readAllBytes(accepted)).isEqualTo(Files.readAllBytes(image));
        ClientResult no = second.get(60, TimeUnit.SECONDS);
        assertThat(no.ok()).isFalse();
        assertThat(no.message()).contains("(from a compressed file of sha256 " + file.hex() + ")")
                .contains(" expected: refusing it, nothing was written");
        assertThat(refused).doesNotExist();
        server.result().get(30, TimeUnit.SECONDS);
    }

    @Test
    void withAnotherExpectedHashAClientRefusesTheImageWithoutWritingAByte() throws Exception {
        MemoryNetwork net = new MemoryNetwork(4096);
        Path image = image(2_000_000, 7);
        RunningServer server = startServer(net, image, 1, null, 0, true);
        Path out = dir.resolve("out");
        ClientResult client = startClient(net.open(), null, sha(image(1000, 8)),
                (size, buf) -> FileSink.open(out, size)).get(60, TimeUnit.SECONDS);
        assertThat(client.ok()).isFalse();
        assertThat(client.message()).contains(" expected: refusing it, nothing was written");
        assertThat(out).doesNotExist();
        assertThat(server.result().get(30, TimeUnit.SECONDS)).isFalse();
    }

    @Test
    void aClientWhoseDiskFillsMidwayTellsTheServerWhyAtOnceAndTheOtherFinishes() throws Exception {
        MemoryNetwork net = new MemoryNetwork(4096);
        Path image = image(4_000_000, 11);
        RunningServer server = startServer(net, image, 2, null, 0, true);
        Path full = dir.resolve("full");
        Path fine = dir.resolve("fine");
        // A disk with room for the first megabyte only.
        SinkFactory fills = (size, buf) -> new ForwardingSink(FileSink.open(full, size)) {
            @Override
            public boolean write(long offset, ByteBuffer data) throws IOException {
                if (offset + data.remaining() > 1_000_000) {
                    throw new IOException("No space left on device");
                }
                return super.write(offset, data);
            }
        };
        CompletableFuture<ClientResult> failing = startClient(net.open(), null, fills);
        CompletableFuture<ClientResult> other = startClient(net.open(), null, (size, buf) -> FileSink.open(fine, size));

        ClientResult failed = failing.get(60, TimeUnit.SECONDS);
        assertThat(failed.ok()).isFalse();
        assertThat(failed.message()).startsWith("writing " + full + " failed: No space left on device");
        assertThat(other.get(60, TimeUnit.SECONDS).ok()).isTrue();
        assertThat(server.result().get(30, TimeUnit.SECONDS)).isFalse();
        assertThat(server.board().get().clients()).anySatisfy(c -> {
            assertThat(c.state()).isEqualTo(ClientState.FAILED);
            assertThat(c.message()).as("the reason, not silence").contains("No space left on device");
        });
        assertThat(Files.readAllBytes(fine)).isEqualTo(Files.readAllBytes(image));
    }

    @Test
    void aClientWhoseAcknowledgementIsLostIsAnsweredWhenItRepeatsItsResult() throws Exception {
        MemoryNetwork net = new MemoryNetwork(4096);
        Path image = image(300_000, 5);
        RunningServer server = startServer(net, image, 1, null, 0, true);
        Path out = dir.resolve("out");
        ClientResult client = startClient(new FirstAcknowledgementLost(net.open()), null,
                (size, buf) -> FileSink.open(out, size)).get(30, TimeUnit.SECONDS);
        assertThat(client.ok()).isTrue();
        assertThat(client.acknowledged()).isTrue();
        assertThat(server.result().get(30, TimeUnit.SECONDS)).isTrue();
    }

    /** A client's port on which the server's first acknowledgement of a result never arrives. */
    private static final class FirstAcknowledgementLost extends ForwardingPort {
        private final WireCodec codec = new WireCodec(null);
        private boolean lost;

        FirstAcknowledgementLost(PacketPort inner) {
            super(inner);
        }

        @Override
        public SocketAddress receiveControl(ByteBuffer dst) throws IOException {
            SocketAddress from = inner.receiveControl(dst);
            if (from != null && !lost && isAcknowledgement(dst.duplicate())) {
                lost = true;
                return inner.receiveControl(dst);
            }
            return from;
        }

        private boolean isAcknowledgement(ByteBuffer packet) {
            try {
                return !codec.open(packet) && codec.decodeControl(packet) instanceof DoneAck;
            } catch (MalformedPacketException e) {
                return false;
            }
        }
    }

    @Test
    void keyedSessionDeliversAndAClientWithAnotherKeyIsToldWhy() throws Exception {
        MemoryNetwork net = new MemoryNetwork(4096);
        Path image = image(500_000, 2);
        byte[] key = new byte[32];
        new SplittableRandom(3).nextBytes(key);
        byte[] otherKey = key.clone();
        otherKey[0] ^= 1;
        RunningServer server = startServer(net, image, 1, new PacketAuthenticator(key), 0, true);
        Path good = dir.resolve("good");
        ClientResult stranger = startClient(net.open(), new PacketAuthenticator(otherKey),
                (size, buf) -> FileSink.open(dir.resolve("bad"), size)).get(30, TimeUnit.SECONDS);
        assertThat(stranger.ok()).isFalse();
        assertThat(stranger.message()).contains("MAC check failed");
        assertThat(dir.resolve("bad")).doesNotExist();
        ClientResult member = startClient(new LossyPort(net.open(), 0.02, 0, new SplittableRandom(4)),
                new PacketAuthenticator(key), (size, buf) -> FileSink.open(good, size)).get(30, TimeUnit.SECONDS);
        assertThat(member.ok()).isTrue();
        assertThat(Files.readAllBytes(good)).isEqualTo(Files.readAllBytes(image));
        assertThat(server.result().get(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void anAbortReachesEveryClientWhichFailsSayingSo() throws Exception {
        MemoryNetwork net = new MemoryNetwork(4096);
        RunningServer server = startServer(net, image(20_000_000, 8), 2, null, 50_000_000, true);
        List<CompletableFuture<ClientResult>> clients = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Path out = dir.resolve("aborted-" + i);
            clients.add(startClient(net.open(), null, (size, buf) -> FileSink.open(out, size)));
        }
        server.awaitBytesSent(1_000_000);
        server.server().abort("the server was interrupted");
        assertThat(server.result().get(10, TimeUnit.SECONDS)).isFalse();
        for (CompletableFuture<ClientResult> c : clients) {
            ClientResult r = c.get(10, TimeUnit.SECONDS);
            assertThat(r.ok()).isFalse();
            assertThat(r.message()).isEqualTo("the server aborted the session: the server was interrupted");
        }
    }

    @Test
    void aServerThatVanishesIsReportedAfterTheTimeoutNotWaitedForForever() throws Exception {
        MemoryNetwork net = new MemoryNetwork(4096);
        RunningServer server = startServer(net, image(50_000_000, 9), 1, null, 50_000_000, true);
        ClientConfig config2 = new ClientConfig(SERVER, "c", null, Duration.ofSeconds(60), Duration.ofSeconds(1),
                ClientConfig.DEFAULT_BUFFER_BYTES);
        Path out = dir.resolve("orphan");
        CompletableFuture<ClientResult> client = CompletableFuture.supplyAsync(() -> {
            try {
                return new Client(net.open(), new WireCodec(null), config2, (size, buf) -> FileSink.open(out, size),
                        ProgressListener.NONE).run();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }, threads);
        server.awaitBytesSent(1_000_000);
        net.silence(SERVER);
        ClientResult r = client.get(20, TimeUnit.SECONDS);
        assertThat(r.ok()).isFalse();
        assertThat(r.message()).startsWith("nothing from the server for 1s");
        server.server().abort("test over");
    }

    @Test
    void aClientThatJoinsWhileStreamingCatchesUpFromTheCarousel() throws Exception {
        MemoryNetwork net = new MemoryNetwork(4096);
        Path image = image(4_000_000, 5);
        // 20 Mbit/s: the first client is still receiving when the second joins
        RunningServer server = startServer(net, image, 1, null, 20_000_000, true);
        Path early = dir.resolve("early");
        Path late = dir.resolve("late");
        CompletableFuture<ClientResult> first = startClient(new LossyPort(net.open(), 0.01, 0, new SplittableRandom(6)),
                null, (size, buf) -> FileSink.open(early, size));
        server.awaitBytesSent(1_000_000);
        assertThat(server.board().get().phase().name()).isEqualTo("STREAMING");
        CompletableFuture<ClientResult> second = startClient(net.open(), null, (size, buf) -> FileSink.open(late, size));
        assertThat(first.get(60, TimeUnit.SECONDS).ok()).isTrue();
        assertThat(second.get(60, TimeUnit.SECONDS).ok()).isTrue();
        assertThat(server.result().get(30, TimeUnit.SECONDS)).isTrue();
        byte[] expected = Files.readAllBytes(image);
        assertThat(Files.readAllBytes(early)).isEqualTo(expected);
        assertThat(Files.readAllBytes(late)).isEqualTo(expected);
    }
}
