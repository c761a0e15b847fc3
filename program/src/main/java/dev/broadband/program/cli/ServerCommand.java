package dev.broadband.program.cli;

import dev.broadband.protocol.Units;
import dev.broadband.protocol.chunk.ChunkEncoding;
import dev.broadband.protocol.chunk.Manifest;
import dev.broadband.protocol.sender.ChunkCache;
import dev.broadband.protocol.sender.EncodedImage;
import dev.broadband.protocol.sender.HashCache;
import dev.broadband.protocol.sender.ImageEncoder;
import dev.broadband.protocol.sender.ImageFormat;
import dev.broadband.protocol.sender.ImageSource;
import dev.broadband.protocol.sender.StreamSource;
import dev.broadband.protocol.session.Sha256;
import dev.broadband.protocol.sender.Server;
import dev.broadband.protocol.sender.ServerConfig;
import dev.broadband.protocol.status.SessionStatus;
import dev.broadband.protocol.sender.StartPolicy;
import dev.broadband.program.status.FinalReportFile;
import dev.broadband.program.status.StatusHttpServer;
import dev.broadband.protocol.transport.UdpPort;
import dev.broadband.protocol.wire.WireCodec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "server", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Sends an image (stdin, or --file) to every client that joins, as UDP broadcast or multicast.",
                "Exits 0 when every client that joined verified the image."})
final class ServerCommand implements java.util.concurrent.Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger("broadband.server");
    private static final Duration GATHERING_WINDOW = Duration.ofSeconds(1);
    /** What every IPv4 path carries; below it a datagram would leave little room for image bytes. */
    private static final int MIN_MTU = 576;

    @Parameters(paramLabel = "<broadcast-or-multicast-address>",
            description = "Where the data goes, e.g. 10.0.0.255 (broadcast) or 239.1.2.3 (multicast).")
    String address;

    @Option(names = "--file", paramLabel = "F", description = "Read the image from F instead of stdin: the raw image, or the image compressed whole with zstd, xz or gzip.")
    Path file;

    @Option(names = "--data-port", paramLabel = "P", defaultValue = "7854", description = "UDP port of the data (default ${DEFAULT-VALUE}).")
    int dataPort;

    @Option(names = "--control-port", paramLabel = "P", defaultValue = "7855",
            description = "UDP port for joins, NACKs and control (default ${DEFAULT-VALUE}).")
    int controlPort;

    @Option(names = "--interface", paramLabel = "NAME|ADDRESS", description = "Network interface to use.")
    String networkInterface;

    @Option(names = "--mtu", paramLabel = "BYTES",
            description = "Largest IP packet the path to every client carries, 576..9000 (default: the interface's"
                    + " MTU, at most 9000; 1500 when no interface is known). Data datagrams fill it.")
    Integer mtu;

    @Option(names = "--rate", paramLabel = "RATE", converter = Converters.Rate.class,
            description = "Rate cap on the wire, e.g. 800mbit, 1gbit (default: adapt to receivers' reported loss).")
    Long rate;

    @Option(names = "--no-gso",
            description = "Send one datagram per system call, instead of up to 64 of one size at a time (Linux UDP"
                    + " segmentation offload, the default where the kernel and the interface take it).")
    boolean noGso;

    @Option(names = "--key-file", paramLabel = "F", description = "Session key (>= 32 random bytes) shared with the clients: every packet is authenticated.")
    Path keyFile;

    @Option(names = "--status-port", paramLabel = "P", description = "Serve GET /status (JSON) and /metrics (Prometheus) on this TCP port.")
    Integer statusPort;

    @Option(names = "--status-linger", paramLabel = "DURATION", defaultValue = "5s", converter = Converters.Time.class,
            description = "With --status-port, serve the final report this long after the session ended, for pollers"
                    + " (default ${DEFAULT-VALUE}).")
    Duration statusLinger;

    @Option(names = "--report-file", paramLabel = "F",
            description = "When the session ends, write its outcome there as JSON (at most 4096 bytes: a Kubernetes"
                    + " termination message), so it outlives the process.")
    Path reportFile;

    @Option(names = "--min-clients", paramLabel = "N", defaultValue = "0",
            description = "Start streaming once N clients joined (default: once the first joined, after a short gathering window).")
    int minClients;

    @Option(names = "--start-timeout", paramLabel = "DURATION", converter = Converters.Time.class,
            description = "When waiting longer than this (e.g. 30s, 2m), start with whoever joined, or exit non-zero if nobody did (default: wait as long as it takes).")
    Duration startTimeout;

    @Option(names = "--drop-timeout", paramLabel = "DURATION", defaultValue = "30s", converter = Converters.Time.class,
            description = "Drop a client silent this long, so it never stalls the rest (default ${DEFAULT-VALUE}).")
    Duration dropTimeout;

    @Option(names = "--block-packets", paramLabel = "K", defaultValue = "64",
            description = "Packets per block, 1..64 (default ${DEFAULT-VALUE}).")
    int blockPackets;

    @Option(names = "--no-fec", description = "Repair by resending lost packets instead of Reed-Solomon parity (for comparison).")
    boolean noFec;

    @Option(names = "--sha256", paramLabel = "HEX",
            description = "The image's SHA-256, known beforehand (e.g. checked after a download): announced at once,"
                    + " so clients that require it write from the first packet; the session is aborted if the"
                    + " first pass finds otherwise. For a compressed --file, the SHA-256 of the file itself (as a"
                    + " download page gives it) will do: it is checked before the session and named to clients.")
    String sha256;

    @Option(names = "--fec-overhead", paramLabel = "PERCENT", defaultValue = "0", converter = Converters.Percent.class,
            description = "Parity sent with every block unasked, e.g. 2%% for a lossy segment (default: only on request).")
    double fecOverhead;

    /** How the image travels. */
    enum Encoding { auto, zstd, raw }

    @Option(names = "--encoding", paramLabel = "auto|zstd|raw", defaultValue = "auto",
            description = "zstd: send the image as 1 MiB chunks, zero chunks as marks and the others compressed where"
                    + " that saves bytes (encoded before the session starts, on every core); raw: every byte as it is;"
                    + " auto (default): zstd when a sample of the image has zero or compressible chunks.")
    Encoding encoding;

    @Option(names = "--cache", description = "Keep what preparing the image took beside --file, and reuse it while"
            + " the file is unchanged: the encoded image as FILE" + ChunkCache.SUFFIX + " (the next broadcast starts at"
            + " once), or, for an image sent raw, its SHA-256 as FILE" + HashCache.SUFFIX + " (the next one sends"
            + " without hashing it).")
    boolean cache;

    @Override
    public Integer call() throws Exception {
        if (cache && file == null) {
            throw new IllegalArgumentException("--cache keeps what it takes from the image beside the image file: give it"
                    + " with --file");
        }
        InetAddress destination = InetAddress.getByName(address);
        // The image is checked first: a pipe on stdin is refused before any network activity.
        try (ImageSource raw = file != null ? ImageSource.open(file) : ImageSource.stdin()) {
            WireCodec codec = new WireCodec(KeyFile.read(keyFile));
            NetworkInterface nic = chooseInterface(destination);
            int maxDatagram = maxDatagram(nic);
            Sha256 given = sha256 == null ? null : Sha256.parse(sha256);
            InetAddress bind = networkInterface != null && nic != null ? Interfaces.ipv4Of(nic) : null;
            // Encoding comes after every option is checked: a mistyped flag should not wait for a pass over the image.
            try (StreamSource prepared = prepare(raw)) {
                HashCache hashes = cache && prepared == raw ? HashCache.of(file) : null;
                StreamSource image = hashes == null ? prepared : hashes.source(raw);
                if (hashes != null && hashes.kept() != null) {
                    log.info("{}: sha256 read from {} (the file is unchanged since it was hashed)", raw.description(),
                            hashes.path());
                } else if (hashes != null) {
                    log.info("{}: sha256 taken on the first pass and kept in {} ({})", raw.description(),
                            hashes.path(), hashes.why());
                }
                GivenDigest digest = checkGiven(given, raw, image);
                ServerConfig config = new ServerConfig(new InetSocketAddress(destination, dataPort), controlPort,
                        rate == null ? 0 : rate, new StartPolicy(minClients, GATHERING_WINDOW, startTimeout),
                        dropTimeout, blockPackets, maxDatagram, !noFec, fecOverhead, digest.image(), digest.source());
                try (UdpPort port = UdpPort.forSender(bind, controlPort, config.destination(), nic, !noGso)) {
                    String path = port.dataPath();
                    log.info("{}", path);
                    boolean served = serve(port, image, codec, config, hashes);
                    if (!port.dataPath().equals(path)) {
                        log.warn("{}", port.dataPath());
                    }
                    return served ? 0 : 1;
                }
            }
        }
    }

    /** What --sha256 turned out to name: the raw image (announced at once), or the compressed file it comes from. */
    private record GivenDigest(Sha256 image, Sha256 source) {}

    /**
     * A compressed file's --sha256 may be the file's own, as a download page gives it (and as an ImageBroadcast's
     * source declares it), or the raw image's; anything else is refused before the session, nothing sent.
     */
    private static GivenDigest checkGiven(Sha256 given, ImageSource file, StreamSource image) throws IOException {
        if (given == null || file.format() == ImageFormat.RAW || given.equals(image.imageSha256())) {
            return new GivenDigest(given, null);
        }
        long start = System.nanoTime();
        Sha256 found = file.digest(f -> { });
        if (!found.equals(given)) {
            throw new IllegalArgumentException(file.description() + " has sha256 " + found.hex() + " and holds an image"
                    + " of sha256 " + image.imageSha256().hex() + ", neither the " + given.hex() + " given with --sha256:"
                    + " it changed, or it is not the image named");
        }
        log.info("{} has the sha256 given with --sha256 (the {}-compressed file's; checked in {}); clients verify the"
                + " image's, {}", file.description(), file.format().label(),
                Units.formatDuration(Duration.ofNanos(System.nanoTime() - start)), image.imageSha256().hex());
        return new GivenDigest(null, found);
    }

    private StreamSource prepare(ImageSource image) throws IOException {
        boolean compressed = image.format() != ImageFormat.RAW;
        if (compressed && encoding == Encoding.raw) {
            throw new IllegalArgumentException(image.description() + " is " + image.format().label() + "-compressed,"
                    + " so it travels as chunks: leave out --encoding raw, or decompress it first");
        }
        if (compressed) {
            log.info("{} is {}-compressed: decompressing it as it is cut into chunks; clients write and verify the raw"
                    + " image", image.description(), image.format().label());
        }
        boolean encode = switch (encoding) {
            case raw -> false;
            case zstd -> true;
            // A cache there says the image was worth it; a compressed file cannot be sent as it is.
            case auto -> compressed || cache && Files.exists(ChunkCache.beside(file)) || ImageEncoder.worthEncoding(image);
        };
        if (!encode) {
            if (encoding == Encoding.auto) {
                log.info("sending {} raw: a sample of it has no zero or compressible chunk", image.description());
            }
            return image;
        }
        long start = System.nanoTime();
        EncodedImage encoded;
        String how = "encoded";
        if (cache) {
            ChunkCache.Opened opened = ChunkCache.open(image, file);
            encoded = opened.image();
            how = opened.how();
        } else {
            encoded = ImageEncoder.encode(image, Path.of(System.getProperty("java.io.tmpdir")));
        }
        Manifest m = encoded.manifest();
        log.info("{}: chunks {} in {}: {} of {} to send ({} zero, {} compressed, {} raw)", image.description(), how,
                Units.formatDuration(Duration.ofNanos(System.nanoTime() - start)), Units.formatBytes(m.streamBytes()),
                Units.formatBytes(image.size()), Units.formatBytes(m.rawBytesIn(ChunkEncoding.ZERO)),
                Units.formatBytes(m.rawBytesIn(ChunkEncoding.ZSTD)), Units.formatBytes(m.rawBytesIn(ChunkEncoding.RAW)));
        return encoded;
    }

    private int maxDatagram(NetworkInterface nic) throws IOException {
        if (mtu == null) {
            return Interfaces.maxDatagram(nic);
        }
        if (mtu < MIN_MTU || mtu > WireCodec.MAX_MTU) {
            throw new IllegalArgumentException("--mtu must be " + MIN_MTU + ".." + WireCodec.MAX_MTU + " (an IP packet's size on"
                    + " the path), was " + mtu);
        }
        return WireCodec.largestDatagram(mtu);
    }

    private NetworkInterface chooseInterface(InetAddress destination) throws IOException {
        if (networkInterface != null) {
            return Interfaces.byNameOrAddress(networkInterface);
        }
        if (destination.isMulticastAddress()) {
            return null;
        }
        NetworkInterface nic = Interfaces.withBroadcast(destination);
        if (nic == null && !destination.isLoopbackAddress()) {
            log.warn("{} is not the broadcast address of any interface here; sending there anyway", destination.getHostAddress());
        }
        return nic;
    }

    /** A poller that reads /status every few seconds (the operator) must see the outcome before the process goes. */
    private void lingerForTheFinalReport() {
        if (statusLinger.isZero()) {
            return;
        }
        log.info("serving the final report on /status for {} more", Units.formatDuration(statusLinger));
        try {
            Thread.sleep(statusLinger.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Only an ended session has an outcome; a crash leaves the file to whatever explains the crash. */
    private void writeReport(SessionStatus last) {
        if (reportFile == null || last.phase() == null || !last.phase().isOver()) {
            return;
        }
        try {
            FinalReportFile.write(reportFile, last);
        } catch (IOException e) {
            log.error("could not write the final report to {}: {}", reportFile, e.getMessage());
        }
    }

    /** A hash not kept costs only the next broadcast a first pass's hashing: the broadcast itself went on. */
    private static void keep(HashCache hashes, Sha256 hash) {
        if (hashes == null || hash == null) {
            return;
        }
        try {
            hashes.keep(hash);
            log.info("image sha256 kept in {} for the next broadcast of the unchanged file", hashes.path());
        } catch (IOException e) {
            log.warn("{}: the next broadcast hashes the image again", e.getMessage());
        }
    }

    /** @param hashes where the first pass's hash is kept; null to keep none */
    private boolean serve(UdpPort port, StreamSource image, WireCodec codec, ServerConfig config, HashCache hashes)
            throws IOException {
        AtomicReference<SessionStatus> board = new AtomicReference<>();
        Server server = new Server(port, image, codec, config, board::set);
        board.set(server.status());
        StatusHttpServer http = statusPort == null ? null : new StatusHttpServer(statusPort, board::get);
        if (http != null) {
            log.info("status on http://0.0.0.0:{}/status and /metrics", http.port());
        }
        CountDownLatch ended = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            server.abort("the server was interrupted");
            try {
                ended.await(3, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "abort-on-signal");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            boolean served = server.run();
            keep(hashes, server.firstPassSha256());
            return served;
        } finally {
            writeReport(board.get());
            ended.countDown();
            if (http != null) {
                lingerForTheFinalReport();
                http.close();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook is running
            }
        }
    }
}
