package dev.broadband.program.demo;

import dev.broadband.protocol.receiver.Client;
import dev.broadband.protocol.receiver.ClientConfig;
import dev.broadband.protocol.receiver.ClientResult;
import dev.broadband.protocol.receiver.ProgressListener;
import dev.broadband.protocol.sender.ImageSource;
import dev.broadband.protocol.sender.Server;
import dev.broadband.protocol.sender.ServerConfig;
import dev.broadband.protocol.status.SessionStatus;
import dev.broadband.protocol.sender.StartPolicy;
import dev.broadband.protocol.session.Sha256;
import dev.broadband.protocol.sink.FileSink;
import dev.broadband.protocol.transport.LossyPort;
import dev.broadband.protocol.transport.UdpPort;
import dev.broadband.protocol.wire.WireCodec;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A whole session on this machine, no set-up and no root: one server and several clients in this process over
 * loopback multicast, each client losing a share of its packets on purpose, on a generated image.
 */
public final class Demo {
    private static final String GROUP = "239.255.78.1";

    private final int clients;
    private final long imageSize;
    private final double loss;
    private final long seed;
    private final boolean parity;
    private final PrintStream out;

    public Demo(int clients, long imageSize, double loss, long seed, boolean parity, PrintStream out) {
        this.clients = clients;
        this.parity = parity;
        this.imageSize = imageSize;
        this.loss = loss;
        this.seed = seed;
        this.out = out;
    }

    /** One client's outcome, as the result table shows it. */
    public record ClientLine(String name, boolean intact, double seconds, long packetsRequested, String message) {}

    /** The result table: every client, and what the transfer cost on the wire. */
    public record Result(List<ClientLine> clients, double seconds, double wireRatio, boolean serverOk) {
        public boolean allIntact() {
            return serverOk && clients.stream().allMatch(ClientLine::intact);
        }
    }

    public Result run() throws Exception {
        Path dir = Files.createTempDirectory("broadband-demo-");
        ExecutorService threads = Executors.newFixedThreadPool(clients + 1);
        try {
            Path image = dir.resolve("image.raw");
            writeRandomImage(image);
            Sha256 sha256;
            try (ImageSource source = ImageSource.open(image)) {
                sha256 = source.digest(f -> {});
            }
            NetworkInterface lo = NetworkInterface.getByName("lo");
            int controlPort = freeUdpPort();
            int dataPort = freeUdpPort();
            out.printf(Locale.ROOT, "broadband demo: 1 server, %d clients over loopback multicast %s, %s image, %.1f%% loss"
                    + " injected at every client, repair by %s%n", clients, GROUP, dev.broadband.protocol.Units.formatBytes(imageSize),
                    loss * 100, parity ? "parity" : "resending lost packets");
            ServerConfig config = new ServerConfig(new InetSocketAddress(InetAddress.getByName(GROUP), dataPort),
                    controlPort, 0, new StartPolicy(clients, Duration.ofSeconds(1), Duration.ofSeconds(30)),
                    Duration.ofSeconds(10), ServerConfig.DEFAULT_BLOCK_PACKETS, WireCodec.MAX_DATAGRAM, parity, 0, null, null);
            AtomicReference<SessionStatus> board = new AtomicReference<>();
            long start = System.nanoTime();
            CompletableFuture<Boolean> server = CompletableFuture.supplyAsync(() -> {
                try (ImageSource source = ImageSource.open(image);
                     UdpPort port = UdpPort.forSender(InetAddress.getLoopbackAddress(), controlPort,
                             config.destination(), lo, true)) {
                    Server s = new Server(port, source, new WireCodec(null), config, board::set);
                    return s.run();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, threads);
            List<CompletableFuture<ClientLine>> lines = new ArrayList<>();
            for (int i = 1; i <= clients; i++) {
                lines.add(startClient(i, dir, controlPort, lo, sha256, start, threads));
            }
            List<ClientLine> results = new ArrayList<>();
            for (CompletableFuture<ClientLine> line : lines) {
                results.add(line.get());
            }
            boolean serverOk = server.get();
            double seconds = (System.nanoTime() - start) / 1e9;
            SessionStatus status = board.get();
            long packets = status.counters().dataPackets() + status.counters().statusPackets();
            double wire = (status.bytesSent() + packets * 42.0) / Math.max(1, imageSize);
            Result result = new Result(results, seconds, wire, serverOk);
            print(result);
            return result;
        } finally {
            threads.shutdownNow();
            deleteRecursively(dir);
        }
    }

    private CompletableFuture<ClientLine> startClient(int i, Path dir, int controlPort, NetworkInterface lo,
                                                      Sha256 sha256, long start, ExecutorService threads) {
        String name = "client-" + i;
        Path output = dir.resolve(name + ".img");
        long clientSeed = seed * 31 + i;
        return CompletableFuture.supplyAsync(() -> {
            try (UdpPort udp = UdpPort.forReceiver(lo)) {
                LossyPort port = new LossyPort(udp, loss, loss, new SplittableRandom(clientSeed));
                ClientConfig config = new ClientConfig(new InetSocketAddress(InetAddress.getLoopbackAddress(), controlPort),
                        name, null, Duration.ofSeconds(30), Duration.ofSeconds(30), ClientConfig.DEFAULT_BUFFER_BYTES);
                ClientResult r = new Client(port, new WireCodec(null), config, (size, buf) -> FileSink.open(output, size),
                        ProgressListener.NONE).run();
                double seconds = (System.nanoTime() - start) / 1e9;
                boolean intact = r.ok() && sha256.equals(fileSha(output));
                return new ClientLine(name, intact, seconds, r.packetsRequested(), r.message());
            } catch (IOException e) {
                return new ClientLine(name, false, (System.nanoTime() - start) / 1e9, 0, e.getMessage());
            }
        }, threads);
    }

    private void print(Result result) {
        out.println();
        out.println("client     intact  seconds  packets re-requested");
        for (ClientLine c : result.clients()) {
            out.printf(Locale.ROOT, "%-10s %-7s %7.2f  %d%s%n", c.name(), c.intact() ? "yes" : "NO", c.seconds(),
                    c.packetsRequested(), c.intact() ? "" : "  (" + c.message() + ")");
        }
        out.printf(Locale.ROOT, "%nall %d clients intact: %s; %.2f s; wire ratio %.3f (bytes sent incl. headers / image"
                + " bytes)%n", result.clients().size(), result.allIntact() ? "yes" : "NO", result.seconds(),
                result.wireRatio());
    }

    private void writeRandomImage(Path image) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        ByteBuffer chunk = ByteBuffer.allocate(1 << 20);
        try (FileChannel ch = FileChannel.open(image, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            for (long written = 0; written < imageSize; ) {
                chunk.clear();
                while (chunk.remaining() >= 8) {
                    chunk.putLong(random.nextLong());
                }
                chunk.flip().limit((int) Math.min(chunk.limit(), imageSize - written));
                written += ch.write(chunk);
            }
        }
    }

    private static Sha256 fileSha(Path file) throws IOException {
        try (ImageSource source = ImageSource.open(file)) {
            return source.digest(f -> {});
        }
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramChannel probe = DatagramChannel.open(StandardProtocolFamily.INET)) {
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return ((InetSocketAddress) probe.getLocalAddress()).getPort();
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
