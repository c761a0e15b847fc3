package dev.broadband.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.broadband.api.BroadcastPhase;
import dev.broadband.api.ImageBroadcast;
import dev.broadband.api.ImageBroadcastSpec;
import dev.broadband.api.ImageSource;
import dev.broadband.api.NodePhase;
import dev.broadband.api.NodeStatus;
import dev.broadband.operator.reconciler.OperatorConfig;
import dev.broadband.operator.sender.SenderPodFactory;
import dev.broadband.operator.status.HttpSenderStatusClient;
import dev.broadband.operator.support.Fixtures;
import dev.broadband.operator.support.ReconcileHarness;
import dev.broadband.program.testbed.SegmentCluster;
import dev.broadband.protocol.sink.LoopDevice;
import dev.broadband.protocol.testbed.Segment;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An ImageBroadcast through the whole path but the kubelet: the operator's reconciler on an API server (fabric8's
 * mock, reachable on the segment) creates the sender pod; the test does the kubelet's part, running the pod's own
 * command line as a process on the segment's sender host; the reconciler reads that sender's real status endpoint;
 * node agents on the receiver hosts read the broadcast's status, join and write their loop devices; the status ends
 * as a user reads it with {@code kubectl get imagebroadcast}. Needs root.
 */
class BroadcastOnSegmentIT {
  private static final long MIB = 1 << 20;

  @TempDir
  Path dir;
  private SegmentCluster cluster;
  private KubernetesClient client;

  @BeforeEach
  void cluster() throws Exception {
    assumeTrue(Segment.runningAsRoot(), "network namespaces and loop devices need root");
    cluster = SegmentCluster.up("bop", 3, dir, Fixtures.NAMESPACE, "/dev/bbdisk");
    client = cluster.client;
  }

  @AfterEach
  void tearDown() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void twoNodesAreImagedAndTheThirdFailsWithItsReasonInTheStatus() throws Exception {
    byte[] image = new byte[(int) (24 * MIB)];
    new SplittableRandom(21).nextBytes(image);
    Path imageFile = Files.write(dir.resolve("image.raw"), image);
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(image));

    Fixtures.nodes(client, 3);
    ImageBroadcastSpec spec = Fixtures.spec();
    spec.setSource(ImageSource.ofUrl("https://images.example.com/node.raw", "sha256:" + sha));
    spec.setTargetDevice(cluster.target.toString());
    spec.setAddress(Segment.BROADCAST);
    OperatorConfig config = OperatorConfig.defaults().withPollInterval(Duration.ZERO)
        .withAllowedDevices(List.of("/dev/bbdisk-*"));
    ReconcileHarness operator = new ReconcileHarness(client, config, new HttpSenderStatusClient());
    operator.create(new ImageBroadcast(Fixtures.NAMESPACE, "fleet", spec));

    List<LoopDevice> disks = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      disks.add(cluster.disk("disk-" + i, 32 * MIB, (byte) i));
    }
    Path mountPoint = cluster.mountOnTheHost(disks.get(2));
    for (int i = 1; i <= 3; i++) {
      cluster.agent(i, disks.get(i - 1), "/dev/bbdisk-*");
    }

    ImageBroadcast ib = operator.reconcile("fleet");
    assertThat(ib.getStatus().getPhase()).isEqualTo(BroadcastPhase.PENDING);
    Process sender = kubeletRuns(operator.pod(ib.getStatus().getSenderPod()), imageFile);
    operator.podRunning(ib.getStatus().getSenderPod(), "node-0", Segment.SENDER_ADDRESS);

    List<BroadcastPhase> seen = new ArrayList<>(List.of(ib.getStatus().getPhase()));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (!ib.getStatus().getPhase().isFinished() && System.nanoTime() < deadline) {
      if (!sender.isAlive()) {
        operator.podExited(ib.getStatus().getSenderPod(), "node-0", Segment.SENDER_ADDRESS, sender.exitValue(),
            sender.exitValue() == 0 ? "Completed" : "Error");
      }
      ib = operator.reconcile("fleet");
      if (seen.isEmpty() || seen.get(seen.size() - 1) != ib.getStatus().getPhase()) {
        seen.add(ib.getStatus().getPhase());
        // What `kubectl get imagebroadcast` shows, as the phases go by.
        System.out.printf("NAME    PHASE         PROGRESS  NODES  RATE%nfleet   %-13s %-9s %-6s %s%n",
            ib.getStatus().getPhase().displayName(), ib.getStatus().getProgress(), ib.getStatus().getNodes(),
            ib.getStatus().getRate() == null ? "" : ib.getStatus().getRate());
      }
      Thread.sleep(200);
    }

    assertThat(ib.getStatus().getPhase()).as("phases %s; sender log:%n%s%s", seen,
        Files.readString(dir.resolve("sender.log")), cluster.agentLogs()).isEqualTo(BroadcastPhase.FAILED);
    assertThat(seen).containsSubsequence(BroadcastPhase.PENDING, BroadcastPhase.WAITING, BroadcastPhase.BROADCASTING,
        BroadcastPhase.FAILED);
    assertThat(ib.getStatus().getNodes()).isEqualTo("2/3");
    assertThat(ib.getStatus().getMessage()).startsWith("2/3 succeeded; node-3: device ")
        .contains("is mounted at " + mountPoint);
    assertThat(ib.getStatus().getNodeStatuses()).extracting(NodeStatus::getName, NodeStatus::getPhase)
        .containsExactlyInAnyOrder(tuple("node-1", NodePhase.SUCCEEDED),
            tuple("node-2", NodePhase.SUCCEEDED),
            tuple("node-3", NodePhase.FAILED));
    for (int i = 1; i <= 2; i++) {
      assertThat(Arrays.equals(cluster.head("disk-" + i, image.length), image))
          .as("node-%d's disk holds the image", i).isTrue();
      assertThat(client.nodes().withName("node-" + i).get().getMetadata().getAnnotations())
          .containsEntry("broadband.dev/image-sha256", sha);
    }
    assertThat(client.nodes().withName("node-3").get().getMetadata().getAnnotations())
        .doesNotContainKey("broadband.dev/image-sha256");
  }

  /**
   * The kubelet's part: the sender container's own command line, with the image the init container would have
   * downloaded and the key the Secret volume would hold, on the segment's sender host.
   */
  private Process kubeletRuns(Pod pod, Path imageFile) throws Exception {
    Secret secret = client.secrets().inNamespace(Fixtures.NAMESPACE)
        .withName(pod.getSpec().getVolumes().stream().filter(v -> v.getSecret() != null).findFirst().orElseThrow()
            .getSecret().getSecretName()).get();
    Path key = Files.write(dir.resolve("key"), Base64.getDecoder().decode(secret.getData().get("key")));
    List<String> args = new ArrayList<>();
    for (String arg : pod.getSpec().getContainers().get(0).getArgs()) {
      args.add(arg.equals(SenderPodFactory.IMAGE_FILE) ? imageFile.toString()
          : arg.equals(SenderPodFactory.KEY_FILE) ? key.toString() : arg);
    }
    return cluster.started(cluster.net.broadband(cluster.net.sender(), null, null, dir.resolve("sender.log").toFile(),
        args.toArray(String[]::new)));
  }
}
