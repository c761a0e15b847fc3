package dev.broadband.program.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.broadband.api.AfterWrite;
import dev.broadband.api.BroadcastPhase;
import dev.broadband.api.ImageBroadcast;
import dev.broadband.api.ImageBroadcastSpec;
import dev.broadband.api.ImageBroadcastStatus;
import dev.broadband.api.ImageSource;
import dev.broadband.program.status.StatusHttpServer;
import dev.broadband.protocol.sink.LoopDevice;
import dev.broadband.protocol.status.SessionStatus;
import dev.broadband.program.testbed.SegmentCluster;
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
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import java.util.function.Consumer;
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
    private static final String NAMESPACE = "imaging";

    @TempDir
    Path dir;
    private SegmentCluster cluster;
    private Segment net;
    private KubernetesClient client;

    @BeforeEach
    void cluster() throws Exception {
        assumeTrue(Segment.runningAsRoot(), "network namespaces and loop devices need root");
        cluster = SegmentCluster.up("bag", 5, dir, NAMESPACE, "/dev/bbtarget");
        net = cluster.net;
        client = cluster.client;
    }

    @AfterEach
    void tearDown() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    private void node(String name) {
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName(name)
                .addToLabels("broadband.dev/reimage", "true").endMetadata().build()).create();
    }

    private static String log(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file) : "";
    }

    @Test
    void agentsWriteTheirDisksAndEveryRefusalReachesTheSenderWithItsReason() throws Exception {
        Path imageFile = image(24, 9);
        byte[] image = Files.readAllBytes(imageFile);
        Path keyFile = key();
        byte[] key = Files.readAllBytes(keyFile);

        LoopDevice good1 = cluster.disk("d1", 32 * MIB, (byte) 0x11);
        LoopDevice good2 = cluster.disk("d2", 32 * MIB, (byte) 0x22);
        LoopDevice inUse = cluster.disk("d3", 32 * MIB, (byte) 0);
        LoopDevice small = cluster.disk("d4", 8 * MIB, (byte) 0x44);
        LoopDevice notAllowed = cluster.disk("d5", 32 * MIB, (byte) 0x55);
        Path mountPoint = cluster.mountOnTheHost(inUse);

        publish(5, key, spec -> {});

        String allowed = "/dev/bbtarget-*";
        cluster.agent(1, good1, allowed);
        cluster.agent(2, good2, allowed);
        cluster.agent(3, inUse, allowed);
        cluster.agent(4, small, allowed);
        cluster.agent(5, notAllowed, "/dev/sd[b-z]");

        File serverLog = dir.resolve("server.log").toFile();
        Process server = net.broadband(net.sender(), null, null, serverLog, "server", Segment.BROADCAST, "--file",
                imageFile.toString(), "--key-file", keyFile.toString(), "--min-clients", "5", "--start-timeout", "90s");
        String report = awaitSender(server, serverLog);
        assertThat(server.exitValue()).as("three nodes failed; sender log:%n%s%s", report, cluster.agentLogs()).isNotZero();
        assertThat(report).contains("2/5 clients verified the image");
        assertThat(report).containsPattern("client node-1 \\S+: SUCCEEDED")
                .containsPattern("client node-2 \\S+: SUCCEEDED");
        assertThat(report).containsPattern("client node-3 \\S+: FAILED.*is mounted at " + mountPoint);
        assertThat(report).containsPattern("client node-4 \\S+: FAILED.*holds 8.0 MiB .* but the image needs");
        assertThat(report).containsPattern(
                "client node-5 \\S+: FAILED.*is not in the agent's allowed devices on node-5 \\(/dev/sd\\[b-z\\]\\)");

        assertThat(Arrays.equals(cluster.head("d1", image.length), image)).as("node-1's disk holds the image").isTrue();
        assertThat(Arrays.equals(cluster.head("d2", image.length), image)).as("node-2's disk holds the image").isTrue();
        assertThat(cluster.head("d4", (int) (8 * MIB))).as("node-4's disk is untouched").containsOnly(0x44);
        assertThat(cluster.head("d5", (int) (32 * MIB))).as("node-5's disk is untouched").containsOnly(0x55);
        assertThat(log(dir.resolve("agent-1.log"))).contains("node node-1: joining broadcast imaging/img")
                .contains("verified sha256");
    }

    /**
     * Nodes node-1..n labelled for imaging, the session key's Secret, and a broadcast selecting them whose status
     * names the sender, as the operator writes it once the sender pod runs.
     */
    private void publish(int nodes, byte[] key, Consumer<ImageBroadcastSpec> more) {
        for (int i = 1; i <= nodes; i++) {
            node("node-" + i);
        }
        client.secrets().inNamespace(NAMESPACE).resource(new SecretBuilder().withNewMetadata().withName("img-key")
                .endMetadata().addToData("key", Base64.getEncoder().encodeToString(key)).build()).create();
        ImageBroadcastSpec spec = new ImageBroadcastSpec();
        spec.setTargetNodeSelector(Map.of("broadband.dev/reimage", "true"));
        spec.setTargetDevice(cluster.target.toString());
        spec.setAddress(Segment.BROADCAST);
        more.accept(spec);
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
    }

    private Path image(int mib, long seed) throws IOException {
        byte[] image = new byte[(int) (mib * MIB)];
        new SplittableRandom(seed).nextBytes(image);
        return Files.write(dir.resolve("image.raw"), image);
    }

    private Path key() throws IOException {
        byte[] key = new byte[32];
        new SplittableRandom(10).nextBytes(key);
        return Files.write(dir.resolve("key"), key);
    }

    private String awaitSender(Process server, File serverLog) throws Exception {
        if (!server.waitFor(180, TimeUnit.SECONDS)) {
            server.destroyForcibly();
            throw new AssertionError("the sender did not finish; its log:\n" + log(serverLog.toPath()) + cluster.agentLogs());
        }
        return log(serverLog.toPath());
    }

    @Test
    void anAgentKilledMidwayAndStartedAgainRejoinsAndFinishesWithTheOthers() throws Exception {
        Path imageFile = image(48, 11);
        Path keyFile = key();
        publish(3, Files.readAllBytes(keyFile), spec -> {});
        List<LoopDevice> disks = new ArrayList<>();
        List<Process> agents = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            disks.add(cluster.disk("d" + i, 64 * MIB, (byte) i));
            agents.add(cluster.agent(i, disks.get(i - 1), "/dev/bbtarget-*"));
        }
        File serverLog = dir.resolve("server.log").toFile();
        // A rate cap keeps the session long enough to kill an agent midway.
        Process server = net.broadband(net.sender(), null, null, serverLog, "server", Segment.BROADCAST, "--file",
                imageFile.toString(), "--key-file", keyFile.toString(), "--min-clients", "3", "--rate", "150mbit",
                "--status-port", "7856", "--start-timeout", "90s");
        awaitProgress("node-2", Files.size(imageFile) * 2 / 5, server, serverLog);
        // SIGKILL, as a deleted pod's container gets after its grace period; the DaemonSet starts a new one.
        cluster.kill(agents.get(1));
        cluster.agent(2, disks.get(1), "/dev/bbtarget-*");

        String report = awaitSender(server, serverLog);
        assertThat(server.exitValue()).as("sender log:%n%s%s", report, cluster.agentLogs()).isZero();
        assertThat(report).contains("client node-2 rejoined from").contains("3/3 clients verified the image");
        byte[] image = Files.readAllBytes(imageFile);
        for (int i = 1; i <= 3; i++) {
            assertThat(Arrays.equals(cluster.head("d" + i, image.length), image)).as("node-%d's disk holds the image", i)
                    .isTrue();
        }
    }

    @Test
    void afterWriteRebootAsksKuredForARebootOnlyOnTheNodesThatVerified() throws Exception {
        Path imageFile = image(16, 14);
        Path keyFile = key();
        publish(2, Files.readAllBytes(keyFile), spec -> spec.setAfterWrite(AfterWrite.REBOOT));
        cluster.agent(1, cluster.disk("d1", 32 * MIB, (byte) 1), "/dev/bbtarget-*");
        cluster.agent(2, cluster.disk("d2", 8 * MIB, (byte) 2), "/dev/bbtarget-*");

        File serverLog = dir.resolve("server.log").toFile();
        Process server = net.broadband(net.sender(), null, null, serverLog, "server", Segment.BROADCAST, "--file",
                imageFile.toString(), "--key-file", keyFile.toString(), "--min-clients", "2", "--start-timeout", "90s");
        String report = awaitSender(server, serverLog);
        assertThat(report).as("sender log:%n%s%s", report, cluster.agentLogs()).containsPattern("client node-1 \\S+: SUCCEEDED")
                .containsPattern("client node-2 \\S+: FAILED");
        Path sentinel = dir.resolve("reboot-required-1");
        for (int i = 0; i < 100 && !Files.exists(sentinel); i++) {
            Thread.sleep(100);
        }
        assertThat(sentinel).as("node-1 verified its disk: kured's sentinel%s", cluster.agentLogs()).exists();
        assertThat(dir.resolve("reboot-required-2")).as("node-2 failed: no reboot").doesNotExist();
    }

    @Test
    void aDryRunChecksEveryNodeSaysWhatItWouldWriteAndWritesNothing() throws Exception {
        Path imageFile = image(24, 12);
        Path keyFile = key();
        publish(2, Files.readAllBytes(keyFile), spec -> spec.setDryRun(true));
        LoopDevice checked = cluster.disk("d1", 32 * MIB, (byte) 0x11);
        cluster.agent(1, checked, "/dev/bbtarget-*");
        cluster.agent(2, cluster.disk("d2", 8 * MIB, (byte) 0x22), "/dev/bbtarget-*");

        File serverLog = dir.resolve("server.log").toFile();
        Process server = net.broadband(net.sender(), null, null, serverLog, "server", Segment.BROADCAST, "--file",
                imageFile.toString(), "--key-file", keyFile.toString(), "--min-clients", "2", "--start-timeout", "90s");
        String report = awaitSender(server, serverLog);
        assertThat(report).as("sender log:%n%s%s", report, cluster.agentLogs()).containsPattern(
                "client node-1 \\S+: SUCCEEDED.*dry run: would write 24.0 MiB \\(25165824 bytes\\) to "
                        + checked.device + " \\(" + cluster.target + "\\) on node-1, which passes every check; nothing"
                        + " was written");
        assertThat(report).containsPattern("client node-2 \\S+: FAILED.*holds 8.0 MiB");
        assertThat(cluster.head("d1", (int) (32 * MIB))).as("node-1's disk is untouched").containsOnly(0x11);
        assertThat(cluster.head("d2", (int) (8 * MIB))).as("node-2's disk is untouched").containsOnly(0x22);
    }

    @Test
    void aSenderServingOtherDataThanTheSourceDeclaresFailsOnEveryNodeAndWritesNothing() throws Exception {
        Path imageFile = image(24, 13);
        Path keyFile = key();
        String declared = "sha256:" + "0123456789abcdef".repeat(4);
        publish(2, Files.readAllBytes(keyFile), spec -> spec.setSource(ImageSource.ofUrl("https://images.example/a.raw",
                declared)));
        for (int i = 1; i <= 2; i++) {
            cluster.agent(i, cluster.disk("d" + i, 32 * MIB, (byte) i), "/dev/bbtarget-*");
        }

        File serverLog = dir.resolve("server.log").toFile();
        Process server = net.broadband(net.sender(), null, null, serverLog, "server", Segment.BROADCAST, "--file",
                imageFile.toString(), "--key-file", keyFile.toString(), "--min-clients", "2", "--start-timeout", "90s");
        String report = awaitSender(server, serverLog);
        assertThat(server.exitValue()).as("sender log:%n%s%s", report, cluster.agentLogs()).isNotZero();
        for (int i = 1; i <= 2; i++) {
            assertThat(report).containsPattern("client node-" + i + " \\S+: FAILED.*not the " + declared.substring(7)
                    + " expected: refusing it, nothing was written");
            assertThat(cluster.head("d" + i, (int) (32 * MIB))).as("node-%d's disk is untouched", i).containsOnly(i);
        }
    }

    /** Waits, with a deadline, until the sender lists {@code node} with at least {@code bytes} received. */
    private void awaitProgress(String node, long bytes, Process server, File serverLog) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI status = URI.create("http://" + Segment.SENDER_ADDRESS + ":7856/status");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline && server.isAlive()) {
            try {
                SessionStatus s = StatusHttpServer.objectMapper().readValue(http.send(HttpRequest.newBuilder(status)
                        .build(), HttpResponse.BodyHandlers.ofByteArray()).body(), SessionStatus.class);
                if (s.clients().stream().anyMatch(c -> c.name().equals(node) && c.bytesReceived() >= bytes)) {
                    return;
                }
            } catch (IOException e) {
                // the status endpoint is not up yet
            }
            Thread.sleep(50);
        }
        throw new AssertionError(node + " never reached " + bytes + " bytes; sender log:\n"
                + log(serverLog.toPath()) + cluster.agentLogs());
    }
}
