package dev.broadband.program.testbed;

import dev.broadband.protocol.sink.LoopDevice;
import dev.broadband.protocol.testbed.Segment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A cluster's data path on one machine: a segment of network namespaces, an API server reachable on it (fabric8's
 * mock in CRUD mode, on the segment's host address), loop devices as the nodes' disks under the one path a broadcast
 * names, and node agents on the receiver hosts. Everything it made it takes down again on close, newest first.
 * Needs root.
 */
public final class SegmentCluster implements AutoCloseable {
    public final Segment net;
    public final KubernetesMockServer api;
    public final KubernetesClient client;
    /** The path every node's disk appears under, as /dev/sdb does on every machine of a rack. */
    public final Path target;
    private final Path dir;
    private final String namespace;
    private final List<LoopDevice> disks = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private final List<Path> mounts = new ArrayList<>();

    private SegmentCluster(Segment net, KubernetesMockServer api, Path target, Path dir, String namespace) {
        this.net = net;
        this.api = api;
        this.client = api.createClient();
        this.target = target;
        this.dir = dir;
        this.namespace = namespace;
    }

    /** @param targetPrefix the broadcasts' targetDevice without its unique suffix, e.g. /dev/bbtarget */
    public static SegmentCluster up(String name, int receivers, Path dir, String namespace, String targetPrefix)
            throws IOException, InterruptedException {
        Segment net = Segment.up(name, receivers, "--loss", "1", "--rate", "1gbit");
        KubernetesMockServer api = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        api.init(InetAddress.getByName(net.hostAddress()), 0);
        Path target = Files.createFile(Path.of(targetPrefix + "-" + ProcessHandle.current().pid()));
        return new SegmentCluster(net, api, target, dir, namespace);
    }

    /** A disk of {@code bytes} bytes, each {@code fill}, backed by the file {@code name} in the test's directory. */
    public LoopDevice disk(String name, long bytes, byte fill) throws IOException, InterruptedException {
        LoopDevice disk = LoopDevice.filled(dir.resolve(name), bytes, fill);
        disks.add(disk);
        return disk;
    }

    /** A file system on the disk, mounted on the host: the agent must refuse it. */
    public Path mountOnTheHost(LoopDevice disk) throws IOException, InterruptedException {
        Path at = Files.createDirectory(dir.resolve("mounted-" + disk.device.getFileName()));
        LoopDevice.run("mkfs.ext4", "-q", disk.device.toString());
        LoopDevice.run("mount", disk.device.toString(), at.toString());
        mounts.add(at);
        return at;
    }

    /** The start of a disk, read from the file behind it. */
    public byte[] head(String disk, int length) throws IOException {
        return java.util.Arrays.copyOf(Files.readAllBytes(dir.resolve(disk)), length);
    }

    /** The agent of node-i on receiver i, logging to agent-i.log, its reboot sentinel reboot-required-i. */
    public Process agent(int i, LoopDevice disk, String allowed) throws IOException {
        return started(net.agent(i, disk.device, target, allowed, namespace, api.url("/"),
                dir.resolve("reboot-required-" + i), dir.resolve("agent-" + i + ".log").toFile()));
    }

    /** A process that closing this cluster ends. */
    public Process started(Process p) {
        processes.add(p);
        return p;
    }

    /** Ends it now, as SIGKILL does: no goodbye. */
    public void kill(Process p) throws InterruptedException {
        processes.remove(p);
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    /** The agents' logs, for a failure message. */
    public String agentLogs() throws IOException {
        StringBuilder all = new StringBuilder();
        try (var logs = Files.newDirectoryStream(dir, "agent-*.log")) {
            for (Path log : logs) {
                all.append("\n--- ").append(log.getFileName()).append(":\n").append(Files.readString(log));
            }
        }
        return all.toString();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        for (Process p : processes) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        for (Path m : mounts) {
            LoopDevice.run("umount", m.toString());
        }
        for (LoopDevice disk : disks) {
            disk.close();
        }
        Files.deleteIfExists(target);
        client.close();
        api.destroy();
        net.close();
    }
}
