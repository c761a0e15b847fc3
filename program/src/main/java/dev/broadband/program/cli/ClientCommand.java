package dev.broadband.program.cli;

import dev.broadband.protocol.receiver.Client;
import dev.broadband.protocol.receiver.ClientConfig;
import dev.broadband.protocol.receiver.ClientResult;
import dev.broadband.protocol.receiver.ProgressListener;
import dev.broadband.protocol.receiver.SinkFactory;
import dev.broadband.protocol.session.Sha256;
import dev.broadband.protocol.sink.BlockDevices;
import dev.broadband.protocol.sink.FileSink;
import dev.broadband.protocol.sink.PartitionTable;
import dev.broadband.protocol.sink.StreamSink;
import dev.broadband.protocol.transport.UdpPort;
import dev.broadband.program.warmup.WarmUpSession;
import dev.broadband.protocol.wire.WireCodec;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "client", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Joins a broadband server and writes the image to stdout or --output.",
                "Exits 0 only after the SHA-256 of what was written matches the image's."})
final class ClientCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger("broadband.client");

    @Parameters(paramLabel = "<server-address>", description = "The server's address, e.g. 10.0.0.1.")
    String server;

    @Option(names = "--output", paramLabel = "F", description = "Write to F (a file or a block device, written in place) instead of stdout.")
    Path output;

    @Option(names = "--no-delta", description = "Receive every chunk into a file created afresh, instead of first comparing --output with the image's chunks and receiving only those it lacks.")
    boolean noDelta;

    @Option(names = "--sha256", paramLabel = "HEX", description = "Also require this SHA-256 (one you know; without a key the announced one is only as trustworthy as the network).")
    String sha256;

    @Option(names = "--key-file", paramLabel = "F", description = "Session key shared with the server.")
    Path keyFile;

    @Option(names = "--control-port", paramLabel = "P", defaultValue = "7855", description = "The server's control port (default ${DEFAULT-VALUE}).")
    int controlPort;

    @Option(names = "--name", paramLabel = "NAME", description = "How the server names this client (default: the host name).")
    String name;

    @Option(names = "--interface", paramLabel = "NAME|ADDRESS", description = "Interface to join a multicast group on (default: the one toward the server).")
    String networkInterface;

    @Option(names = "--wait", paramLabel = "DURATION", converter = Converters.Time.class,
            description = "Give up when no server answers within this time (default: wait as long as it takes).")
    Duration wait;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30s", converter = Converters.Time.class,
            description = "Give up when the joined server stays silent this long (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--buffer", paramLabel = "SIZE", defaultValue = "256m", converter = Converters.Size.class,
            description = "Memory for blocks in flight, and for stdout blocks waiting for an earlier one (default ${DEFAULT-VALUE}).")
    long buffer;

    @Override
    public Integer call() throws Exception {
        Sha256 expected = sha256 == null ? null : Sha256.parse(sha256);
        if (output == null && Terminal.isTerminal(1)) {
            throw new IOException("stdout is a terminal: redirect it ('> image.copy') or give --output");
        }
        WireCodec codec = new WireCodec(KeyFile.read(keyFile));
        if (!codec.keyed()) {
            log.warn("no --key-file: packets are not authenticated; the image is still checked against its sha256"
                    + (expected == null ? ", which only --sha256 makes independent of the network" : ""));
        }
        InetSocketAddress serverAddress = new InetSocketAddress(InetAddress.getByName(server), controlPort);
        ClientConfig config = new ClientConfig(serverAddress, name != null ? name : hostName(), expected, wait, timeout,
                buffer, 0, false, !noDelta && output != null);
        try (UdpPort port = UdpPort.forReceiver(chooseInterface(serverAddress));
             WarmUpSession warmUp = WarmUpSession.start(codec)) {
            ProgressListener progress = warmUp.stoppingWhenJoined(
                    Terminal.isTerminal(2) ? new TerminalProgress() : new LogProgress(log));
            ClientResult result = new Client(port, codec, config, sinks(), progress).run();
            if (result.packetsDropped() > 0) {
                log.warn("{} packets thrown away unread: another session's, malformed, or failing the MAC check"
                        + " (another sender on this port, or a wrong --key-file)", result.packetsDropped());
            }
            if (result.ok()) {
                log.info("{}: {}", output == null ? "stdout" : output, result.message());
                if (output != null && BlockDevices.SYSTEM.isBlockDevice(output)) {
                    String notReread = PartitionTable.reread(output);
                    if (notReread != null) {
                        log.warn("{}; the new partitions appear after a reboot", notReread);
                    }
                }
                return 0;
            }
            log.error(result.message());
            return 1;
        }
    }

    private SinkFactory sinks() {
        if (output != null) {
            return !noDelta ? (size, bufferBytes) -> FileSink.openKeeping(output, size)
                    : (size, bufferBytes) -> FileSink.open(output, size);
        }
        return (size, bufferBytes) -> new StreamSink(new FileOutputStream(FileDescriptor.out).getChannel(), "stdout",
                size, bufferBytes);
    }

    private NetworkInterface chooseInterface(InetSocketAddress serverAddress) throws IOException {
        if (networkInterface != null) {
            return Interfaces.byNameOrAddress(networkInterface);
        }
        return UdpPort.interfaceToward(serverAddress);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "client";
        }
    }
}
