package dev.broadband.program.warmup;

import dev.broadband.protocol.receiver.Client;
import dev.broadband.protocol.receiver.ClientConfig;
import dev.broadband.protocol.receiver.ClientResult;
import dev.broadband.protocol.receiver.ProgressListener;
import dev.broadband.protocol.sender.ImageSource;
import dev.broadband.protocol.sender.Server;
import dev.broadband.protocol.sender.ServerConfig;
import dev.broadband.protocol.sender.StartPolicy;
import dev.broadband.protocol.sink.FileSink;
import dev.broadband.protocol.transport.ForwardingPort;
import dev.broadband.protocol.transport.PacketPort;
import dev.broadband.protocol.transport.UdpPort;
import dev.broadband.protocol.wire.WireCodec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.helpers.NOPLogger;

/**
 * A short session with itself over loopback, run while a client waits for its server. The JVM compiles code only
 * once it has run hot: without this, a receiver spent the first seconds of a real transfer in slow code while its
 * compiler threads took 0.9 s of CPU (N=10, 256 MiB), on the cores the sender needed. Here the client's own code
 * receives a small image over UDP sockets on 127.0.0.1, with loss, parity repair and NACKs, writes it to a scratch
 * file and reads it back, so that the real transfer starts on compiled code.
 *
 * <p>Nothing leaves the host. It stops when the real server answers ({@link #close}), after a few rounds, or at its
 * first failure, which is only logged at debug level: the real session never depends on it.
 */
public final class WarmUpSession implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger("broadband.client");
    private static final long IMAGE_BYTES = 16L << 20;
    private static final int ROUNDS = 3;
    private static final double LOSS = 0.02;
    /** Below what loopback takes, so that the warm-up needs no rate adaptation of its own. */
    private static final long RATE_BPS = 800_000_000L;
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    private final WireCodec codec;
    private final long imageBytes;
    private final int rounds;
    private final Path scratch;
    private final AtomicInteger verifiedRounds = new AtomicInteger();
    private final Thread thread;
    private volatile boolean stopped;
    private volatile Server server;

    private WarmUpSession(WireCodec codec, long imageBytes, int rounds, Path scratch) {
        this.codec = codec;
        this.imageBytes = imageBytes;
        this.rounds = rounds;
        this.scratch = scratch;
        this.thread = new Thread(this::run, "warm-up");
        thread.setDaemon(true);
    }

    /** Starts warming up in the background with the client's codec (same key: the MAC path is warmed too). */
    public static WarmUpSession start(WireCodec codec) {
        return start(codec, IMAGE_BYTES, ROUNDS, scratchDirectory());
    }

    static WarmUpSession start(WireCodec codec, long imageBytes, int rounds, Path scratch) {
        WarmUpSession session = new WarmUpSession(codec, imageBytes, rounds, scratch);
        session.thread.start();
        return session;
    }

    /** Memory-backed when the host has it: the scratch files cost no disk writes. */
    private static Path scratchDirectory() {
        Path shm = Path.of("/dev/shm");
        return Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
    }

    /** Passes {@code next} every event, and stops the warm-up when the real session is joined. */
    public ProgressListener stoppingWhenJoined(ProgressListener next) {
        return new ProgressListener() {
            @Override
            public void joined() {
                close();
                next.joined();
            }

            @Override
            public void progress(String phase, long done, long total) {
                next.progress(phase, done, total);
            }

            @Override
            public void finished() {
                next.finished();
            }
        };
    }

    /** Stops at once: the running round is aborted, its scratch files deleted as the thread ends. */
    @Override
    public void close() {
        stopped = true;
        Server running = server;
        if (running != null) {
            running.abort("warm-up over");
        }
    }

    int verifiedRounds() {
        return verifiedRounds.get();
    }

    boolean awaitEnd(Duration limit) throws InterruptedException {
        thread.join(limit.toMillis());
        return !thread.isAlive();
    }

    private void run() {
        Path image = null;
        Path copy = null;
        try {
            image = Files.createTempFile(scratch, "broadband-warm-up-", ".img");
            copy = Files.createTempFile(scratch, "broadband-warm-up-", ".copy");
            // A client stopped with Ctrl-C mid-round leaves nothing behind either.
            image.toFile().deleteOnExit();
            copy.toFile().deleteOnExit();
            writeRandom(image, imageBytes);
            for (int r = 0; r < rounds && !stopped; r++) {
                if (!round(image, copy)) {
                    break;
                }
                verifiedRounds.incrementAndGet();
            }
        } catch (IOException | RuntimeException e) {
            log.debug("warm-up stopped: {}", e.toString());
        } finally {
            delete(image);
            delete(copy);
        }
    }

    private boolean round(Path image, Path copy) throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        int controlPort = freePort(loopback);
        ServerConfig serverConfig = new ServerConfig(new InetSocketAddress(loopback, freePort(loopback)), controlPort,
                RATE_BPS, new StartPolicy(1, Duration.ZERO, PATIENCE), PATIENCE, ServerConfig.DEFAULT_BLOCK_PACKETS,
                WireCodec.MAX_DATAGRAM, true, 0, null, null);
        ClientConfig clientConfig = new ClientConfig(new InetSocketAddress(loopback, controlPort), "warm-up", null,
                PATIENCE, PATIENCE, ClientConfig.DEFAULT_BUFFER_BYTES);
        try (ImageSource source = ImageSource.open(image);
             UdpPort serverPort = UdpPort.forSender(loopback, controlPort, serverConfig.destination(), null,
                     false);
             UdpPort clientPort = UdpPort.forReceiver(null)) {
            Server sender = new Server(new LossySend(serverPort, LOSS, new SplittableRandom()), source, codec.copy(),
                    serverConfig, status -> {}, NOPLogger.NOP_LOGGER);
            server = sender;
            if (stopped) {
                return false;
            }
            CompletableFuture<Boolean> served = new CompletableFuture<>();
            Thread senderThread = new Thread(() -> {
                try {
                    served.complete(sender.run());
                } catch (IOException | RuntimeException e) {
                    served.completeExceptionally(e);
                }
            }, "warm-up sender");
            senderThread.setDaemon(true);
            senderThread.start();
            // The client's port is the real one, not a wrapper: the code compiled here is the code the transfer runs.
            ClientResult result = new Client(clientPort, codec.copy(), clientConfig,
                    (size, bufferBytes) -> FileSink.open(copy, size), ProgressListener.NONE, NOPLogger.NOP_LOGGER).run();
            // The round is over for the client: the sender need not linger for repeated results.
            sender.abort("warm-up round over");
            served.handle((ok, failure) -> ok).get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            return result.ok();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("the warm-up sender did not end: " + e, e);
        } finally {
            server = null;
        }
    }

    private static int freePort(InetAddress address) throws IOException {
        try (DatagramChannel probe = DatagramChannel.open()) {
            probe.bind(new InetSocketAddress(address, 0));
            return ((InetSocketAddress) probe.getLocalAddress()).getPort();
        }
    }

    /** Stops early when the real session began meanwhile: then the file is not needed. */
    private void writeRandom(Path file, long bytes) throws IOException {
        SplittableRandom random = new SplittableRandom();
        byte[] chunk = new byte[1 << 20];
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            for (long written = 0; written < bytes && !stopped; written += chunk.length) {
                random.nextBytes(chunk);
                channel.write(ByteBuffer.wrap(chunk, 0, (int) Math.min(chunk.length, bytes - written)));
            }
        }
    }

    private static void delete(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                log.debug("could not delete warm-up scratch file {}: {}", file, e.toString());
            }
        }
    }

    /** Loses a share of what the sender sends, as a lossy segment would, so that repair runs too. */
    private static final class LossySend extends ForwardingPort {
        private final double loss;
        private final SplittableRandom random;

        LossySend(PacketPort inner, double loss, SplittableRandom random) {
            super(inner);
            this.loss = loss;
            this.random = random;
        }

        @Override
        public void sendData(ByteBuffer packet) throws IOException {
            if (random.nextDouble() >= loss) {
                inner.sendData(packet);
            }
        }
    }
}
