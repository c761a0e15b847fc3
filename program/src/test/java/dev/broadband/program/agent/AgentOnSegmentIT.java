package dev.broadband.program.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.broadband.api.BroadcastPhase;
import dev.broadband.api.ImageBroadcast;
import dev.broadband.api.ImageBroadcastSpec;
import dev.broadband.api.ImageBroadcastStatus;
import dev.broadband.protocol.sink.LoopDevice;
import dev.broadband.protocol.testbed.Segment;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Node agents as they run on a cluster, each in a receiver namespace of a real segment (so on its node's network)
 * with a loop device as its node's disk under the one path the broadcast names, reading the cluster from an API
 * server (fabric8's mock, reachable on the segment). The broadcast's status names the sender as the operator writes
 * it once its sender pod runs; the sender is a real process. Needs root.
 */
class AgentOnSegmentIT {
    private static final long MIB = 1 << 20;
    private static final int IMAGE_MIB = 24;
    private static final String NAMESPACE = "imaging";

    @TempDir
    Path dir;
    private Segment net;
    private KubernetesMockServer api;
    private KubernetesClient client;
    private final List<LoopDevice> loops = new ArrayList<>();
    private final List<Process> agents = new ArrayList<>();
    private final List<String> mounted = new ArrayList<>();
    private Path target;

    @BeforeEach
    void cluster() throws Exception {
        assumeTrue(Segment.runningAsRoot(), "network namespaces and loop devices need root");
        net = Segment.up("bag", 5, "--loss", "1", "--rate", "1gbit");
        api = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        api.init(InetAddress.getByName(net.hostAddress()), 0);
        client = api.createClient();
        // The path every node's disk appears under, as /dev/sdb does on every machine of a rack.
        target = Path.of("/dev/bbtarget-" + ProcessHandle.current().pid());
        Files.createFile(target);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (Process p : agents) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        for (String m : mounted) {
            LoopDevice.run("umount", m);
        }
        for (LoopDevice loop : loops) {
            loop.close();
        }
        if (target != null) {
            Files.deleteIfExists(target);
        }
        if (client != null) {
            client.close();
        }
        if (api != null) {
            api.destroy();
        }
        if (net != null) {
            net.close();
        }
    }

    private LoopDevice disk(String name, long bytes, byte fill) throws Exception {
        Path file = dir.resolve(name);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            byte[] pattern = new byte[(int) bytes];
            Arrays.fill(pattern, fill);
            f.write(pattern);
        }
        LoopDevice loop = LoopDevice.over(file);
        loops.add(loop);
        return loop;
    }

    private void node(String name) {
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName(name)
                .addToLabels("broadband.dev/reimage", "true").endMetadata().build()).create();
    }

    /** An agent on receiver {@code i} as node-i, its disk {@code loop} under the broadcast's path. */
    private void agent(int i, LoopDevice loop, String allowed) throws IOException {
        String command = "mount --bind " + loop.device + " " + target + " && exec "
                + Segment.ROOT.resolve("bin/broadband") + " agent --name node-" + i + " --allowed-devices '" + allowed
                + "' --namespace " + NAMESPACE;
        Map<String, String> env = Map.of("KUBERNETES_MASTER", api.url("/"),
                "KUBERNETES_AUTH_TRYKUBECONFIG", "false", "KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false",
                "KUBERNETES_NAMESPACE", NAMESPACE);
        agents.add(net.start(net.receiver(i), command, env, dir.resolve("agent-" + i + ".log").toFile()));
    }

    private static String log(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file) : "";
    }

    @Test
    void agentsWriteTheirDisksAndEveryRefusalReachesTheSenderWithItsReason() throws Exception {
        byte[] image = new byte[(int) (IMAGE_MIB * MIB)];
        new SplittableRandom(9).nextBytes(image);
        Path imageFile = Files.write(dir.resolve("image.raw"), image);
        byte[] key = new byte[32];
        new SplittableRandom(10).nextBytes(key);
        Path keyFile = Files.write(dir.resolve("key"), key);

        LoopDevice good1 = disk("d1", 32 * MIB, (byte) 0x11);
        LoopDevice good2 = disk("d2", 32 * MIB, (byte) 0x22);
        LoopDevice inUse = disk("d3", 32 * MIB, (byte) 0);
        LoopDevice small = disk("d4", 8 * MIB, (byte) 0x44);
        LoopDevice notAllowed = disk("d5", 32 * MIB, (byte) 0x55);
        LoopDevice.run("mkfs.ext4", "-q", inUse.device.toString());
        Path mountPoint = Files.createDirectory(dir.resolve("data"));
        LoopDevice.run("mount", inUse.device.toString(), mountPoint.toString());
        mounted.add(mountPoint.toString());

        for (int i = 1; i <= 5; i++) {
            node("node-" + i);
        }
        client.secrets().inNamespace(NAMESPACE).resource(new SecretBuilder().withNewMetadata().withName("img-key")
                .endMetadata().addToData("key", Base64.getEncoder().encodeToString(key)).build()).create();
        ImageBroadcastSpec spec = new ImageBroadcastSpec();
        spec.setTargetNodeSelector(Map.of("broadband.dev/reimage", "true"));
        spec.setTargetDevice(target.toString());
        spec.setAddress(Segment.BROADCAST);
        ImageBroadcast broadcast = new ImageBroadcast(NAMESPACE, "img", spec);
        ImageBroadcastStatus status = new ImageBroadcastStatus();
        status.setPhase(BroadcastPhase.WAITING);
        status.setSenderAddress(Segment.SENDER_ADDRESS);
        status.setDataPort(7854);
        status.setControlPort(7855);
        status.setKeySecret("img-key");
        status.setSession("first");
        broadcast.setStatus(status);
        client.resources(ImageBroadcast.class).inNamespace(NAMESPACE).resource(broadcast).create();

        String allowed = "/dev/bbtarget-*";
        agent(1, good1, allowed);
        agent(2, good2, allowed);
        agent(3, inUse, allowed);
        agent(4, small, allowed);
        agent(5, notAllowed, "/dev/sd[b-z]");

        File serverLog = dir.resolve("server.log").toFile();
        Process server = net.broadband(net.sender(), null, null, serverLog, "server", Segment.BROADCAST, "--file",
                imageFile.toString(), "--key-file", keyFile.toString(), "--min-clients", "5", "--start-timeout", "90s");
        if (!server.waitFor(180, TimeUnit.SECONDS)) {
            server.destroyForcibly();
            throw new AssertionError("the sender did not finish; its log:\n" + log(serverLog.toPath()) + agentLogs());
        }
        String report = log(serverLog.toPath());
        assertThat(server.exitValue()).as("three nodes failed; sender log:%n%s%s", report, agentLogs()).isNotZero();
        assertThat(report).contains("2/5 clients verified the image");
        assertThat(report).containsPattern("client node-1 \\S+: SUCCEEDED")
                .containsPattern("client node-2 \\S+: SUCCEEDED");
        assertThat(report).containsPattern("client node-3 \\S+: FAILED.*is mounted at " + mountPoint);
        assertThat(report).containsPattern("client node-4 \\S+: FAILED.*holds 8.0 MiB .* but the image needs");
        assertThat(report).containsPattern(
                "client node-5 \\S+: FAILED.*is not in the agent's allowed devices on node-5 \\(/dev/sd\\[b-z\\]\\)");

        assertThat(Arrays.equals(head("d1", image.length), image)).as("node-1's disk holds the image").isTrue();
        assertThat(Arrays.equals(head("d2", image.length), image)).as("node-2's disk holds the image").isTrue();
        assertThat(head("d4", (int) (8 * MIB))).as("node-4's disk is untouched").containsOnly(0x44);
        assertThat(head("d5", (int) (32 * MIB))).as("node-5's disk is untouched").containsOnly(0x55);
        assertThat(log(dir.resolve("agent-1.log"))).contains("node node-1: joining broadcast imaging/img")
                .contains("verified sha256");
    }

    /** The start of a disk, read from the file behind its loop device. */
    private byte[] head(String disk, int length) throws IOException {
        return Arrays.copyOf(Files.readAllBytes(dir.resolve(disk)), length);
    }

    private String agentLogs() throws IOException {
        StringBuilder all = new StringBuilder();
        for (int i = 1; i <= 5; i++) {
            all.append("\n--- agent ").append(i).append(":\n").append(log(dir.resolve("agent-" + i + ".log")));
        }
        return all.toString();
    }
}
