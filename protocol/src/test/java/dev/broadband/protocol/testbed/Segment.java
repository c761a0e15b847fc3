package dev.broadband.protocol.testbed;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A broadcast segment of network namespaces built by testbed/segment.sh: sender {@code NAME-s} at 10.77.0.1,
 * receivers {@code NAME-r<i>} at 10.77.0.(10+i). Removed again by {@link #close}.
 */
public final class Segment implements AutoCloseable {
    public static final String SENDER_ADDRESS = "10.77.0.1";
    public static final String BROADCAST = "10.77.0.255";
    public static final String HOST_ADDRESS = "10.77.0.254";
    public static final Path ROOT = findRoot();
    private final String name;

    private Segment(String name) {
        this.name = name;
    }

    private static Path findRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("testbed/segment.sh"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("cannot find the repository root (testbed/segment.sh) above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    public static boolean runningAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    public static Segment up(String name, int receivers, String... options) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(ROOT.resolve("testbed/segment.sh").toString(), "up", name,
                String.valueOf(receivers)));
        command.addAll(List.of(options));
        run(command);
        return new Segment(name);
    }

    public String sender() {
        return name + "-s";
    }

    public String receiver(int i) {
        return name + "-r" + i;
    }

    public long senderTxBytes() throws IOException, InterruptedException {
        return Long.parseLong(run(List.of(ROOT.resolve("testbed/segment.sh").toString(), "txbytes", name)).trim());
    }

    /** Starts {@code bin/broadband args...} in a namespace, stdin from {@code input} (or nothing), stdout to {@code output}. */
    public Process broadband(String namespace, File input, File output, File log, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", namespace,
                ROOT.resolve("bin/broadband").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(log);
        pb.redirectInput(input != null ? ProcessBuilder.Redirect.from(input) : ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.redirectOutput(output != null ? ProcessBuilder.Redirect.to(output) : ProcessBuilder.Redirect.DISCARD);
        return pb.start();
    }

    /**
     * An address for the root namespace on the segment's bridge, as a management host has: a control plane that
     * the test runs (a mock API server) is reachable from every namespace there.
     */
    public String hostAddress() throws IOException, InterruptedException {
        run(List.of("ip", "addr", "add", HOST_ADDRESS + "/24", "dev", name + "br"));
        return HOST_ADDRESS;
    }

    /** Starts a shell command line in a namespace (a mount namespace of its own, as ip netns exec makes one). */
    public Process start(String namespace, String commandLine, Map<String, String> environment, File log)
            throws IOException {
        ProcessBuilder pb = new ProcessBuilder("ip", "netns", "exec", namespace, "bash", "-c", commandLine)
                .redirectErrorStream(true).redirectOutput(log).redirectInput(new File("/dev/null"));
        pb.environment().putAll(environment);
        return pb.start();
    }

    /**
     * {@code broadband agent} as node-i on receiver i, its disk {@code device} under the path {@code target} in the
     * agent's own mount namespace (as /dev/sdb is on every machine of a rack), reading the API server at
     * {@code apiServer}.
     */
    public Process agent(int i, Path device, Path target, String allowed, String namespace, String apiServer,
                         Path rebootSentinel, File log) throws IOException {
        String command = "mount --bind " + device + " " + target + " && exec " + ROOT.resolve("bin/broadband")
                + " agent --name node-" + i + " --allowed-devices '" + allowed + "' --namespace " + namespace
                + " --reboot-sentinel " + rebootSentinel;
        Map<String, String> env = Map.of("KUBERNETES_MASTER", apiServer, "KUBERNETES_AUTH_TRYKUBECONFIG", "false",
                "KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false", "KUBERNETES_NAMESPACE", namespace);
        return start(receiver(i), command, env, log);
    }

    /** Runs a shell command line in a namespace and returns its exit code. */
    public int shell(String namespace, String commandLine, File log) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ip", "netns", "exec", namespace, "bash", "-c", commandLine)
                .redirectErrorStream(true).redirectOutput(log).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + commandLine);
        }
        return p.exitValue();
    }

    /** Runs a command to its end and returns its output; a failure, with that output, when it exits non-zero. */
    public static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        run(List.of(ROOT.resolve("testbed/segment.sh").toString(), "down", name));
    }
}
