package dev.broadband.operator.reconciler;

import static dev.broadband.operator.support.Fixtures.IMAGE_BYTES;
import static dev.broadband.operator.support.Fixtures.NAMESPACE;
import static dev.broadband.operator.support.Fixtures.broadcast;
import static dev.broadband.operator.support.Fixtures.client;
import static dev.broadband.operator.support.Fixtures.report;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import dev.broadband.api.BroadcastPhase;
import dev.broadband.api.ImageBroadcast;
import dev.broadband.api.ImageBroadcastStatus;
import dev.broadband.api.ImageSource;
import dev.broadband.api.NodePhase;
import dev.broadband.api.NodeStatus;
import dev.broadband.api.SenderPlacement;
import dev.broadband.operator.sender.KeySecretFactory;
import dev.broadband.protocol.status.ClientState;
import dev.broadband.operator.status.Conditions;
import dev.broadband.operator.status.HttpSenderStatusClient;
import dev.broadband.protocol.status.FinalReport;
import dev.broadband.protocol.status.SessionPhase;
import dev.broadband.operator.support.Fixtures;
import dev.broadband.operator.support.ReconcileHarness;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every phase transition, stepped by hand on fabric8's mock API server in CRUD mode. */
@EnableKubernetesMockClient(crud = true)
class BroadcastReconciliationTest {

  static final String HOST = "10.0.0.1";
  static final int STATUS_PORT = 7856;

  KubernetesClient client;
  ReconcileHarness h;

  @BeforeEach
  void setUp() throws Exception {
    Fixtures.installCrd(client);
    Fixtures.nodes(client, 3);
    h = new ReconcileHarness(client);
  }

  @Test
  void walksEveryPhaseFromPendingToSucceeded() {
    h.create(broadcast("ubuntu"));

    ImageBroadcast ib = h.reconcile("ubuntu");
    assertThat(ib.getStatus().getPhase()).isEqualTo(BroadcastPhase.PENDING);
    assertThat(ib.getStatus().getSenderPod()).isEqualTo("ubuntu-sender-0");
    assertThat(ib.getStatus().getNodes()).isEqualTo("0/3");
    assertThat(ib.getStatus().getProgress()).isEqualTo("0.0%");
    assertThat(ib.getStatus().getObservedGeneration()).isEqualTo(ib.getMetadata().getGeneration());
    assertThat(h.pod("ubuntu-sender-0")).isNotNull();

    h.podDownloading("ubuntu-sender-0", "node-0", HOST);
    ib = h.reconcile("ubuntu");
    assertThat(ib.getStatus().getPhase()).isEqualTo(BroadcastPhase.PREPARING);
    assertThat(ib.getStatus().getMessage()).contains("downloading");

    h.podRunning("ubuntu-sender-0", "node-0", HOST);
    h.sender.report(HOST, STATUS_PORT, report(SessionPhase.WAITING, 0,
        client("node-1", ClientState.JOINED, 0, "")));
    ib = h.reconcile("ubuntu");
    assertThat(ib.getStatus().getPhase()).isEqualTo(BroadcastPhase.WAITING);
    assertThat(ib.getStatus().getSenderAddress()).isEqualTo(HOST);
    assertThat(ib.getStatus().getMessage()).startsWith("1/3 nodes joined");

    h.sender.report(HOST, STATUS_PORT, report(SessionPhase.STREAMING, 812_000_000,
        client("node-1", ClientState.RECEIVING, 500_000, ""),
        client("node-2", ClientState.RECEIVING, 250_000, ""),
        client("node-3", ClientState.JOINED, 0, "")));
    ib = h.reconcile("ubuntu");
    assertThat(ib.getStatus().getPhase()).isEqualTo(BroadcastPhase.BROADCASTING);
    assertThat(ib.getStatus().getProgress()).isEqualTo("25.0%");
    assertThat(ib.getStatus().getRate()).isEqualTo("812Mbit/s");
    assertThat(ib.getStatus().getStartTime()).isEqualTo("2026-11-25T12:00:00Z");
    assertThat(ib.getStatus().getSession()).isEqualTo("1f2e3d4c5b6a7980");
    assertThat(ib.getStatus().getSourceFormat()).isEqualTo("zstd");

    h.sender.report(HOST, STATUS_PORT, report(SessionPhase.STREAMING, 10_000,
        client("node-1", ClientState.SUCCEEDED, IMAGE_BYTES, ""),
        client("node-2", ClientState.VERIFYING, IMAGE_BYTES, ""),
        client("node-3", ClientState.VERIFYING, IMAGE_BYTES, "")));
    ib = h.reconcile("ubuntu");
    assertThat(ib.getStatus().getPhase()).isEqualTo(BroadcastPhase.VERIFYING);
    assertThat(ib.getStatus().getNodes()).isEqualTo("1/3");

    h.sender.report(HOST, STATUS_PORT, report(SessionPhase.FINISHED, 0,
        client("node-1", ClientState.SUCCEEDED, IMAGE_BYTES, ""),
        client("node-2", ClientState.SUCCEEDED, IMAGE_BYTES, ""),
        client("node-3", ClientState.SUCCEEDED, IMAGE_BYTES, "")));
    ib = h.reconcile("ubuntu");
    ImageBroadcastStatus status = ib.getStatus();
    assertThat(status.getPhase()).isEqualTo(BroadcastPhase.SUCCEEDED);
    assertThat(status.getProgress()).isEqualTo("100.0%");
    assertThat(status.getNodes()).isEqualTo("3/3");
    assertThat(status.getRate()).isNull();
    assertThat(status.getCompletionTime()).isNotNull();
    assertThat(status.getNodeStatuses()).extracting(NodeStatus::getPhase).containsOnly(NodePhase.SUCCEEDED);
    assertThat(condition(status, Conditions.READY).getStatus()).isEqualTo("True");
    assertThat(condition(status, Conditions.READY).getReason()).isEqualTo(Reasons.ALL_NODES_SUCCEEDED);
    assertThat(condition(status, Conditions.PROGRESSING).getStatus()).isEqualTo("False");
    assertThat(condition(status, Conditions.FAILED).getStatus()).isEqualTo("False");

    assertThat(h.eventReasons()).containsExactlyInAnyOrder(Reasons.SENDER_CREATED, Reasons.DOWNLOADING,
        Reasons.WAITING_FOR_RECEIVERS, Reasons.BROADCASTING, Reasons.VERIFYING, Reasons.ALL_NODES_SUCCEEDED);
    assertThat(h.events()).extracting(Event::getType).containsOnly(EventRecorder.NORMAL);

    // Each node says which image its disk holds now.
    for (String node : List.of("node-1", "node-2", "node-3")) {
      assertThat(client.nodes().withName(node).get().getMetadata().getAnnotations())
          .containsEntry("broadband.dev/image-sha256", "ab".repeat(32))
          .containsEntry("broadband.dev/image-broadcast", ib.getMetadata().getNamespace() + "/ubuntu")
          .containsKey("broadband.dev/image-written-at");
    }

    // Finished is final: another pass changes nothing and creates nothing.
    assertThat(h.reconcile("ubuntu").getStatus()).isEqualTo(status);
    assertThat(h.pods()).hasSize(1);
  }

  @Test
  void failsNamingTheNodesThatDidNotMakeIt() {
    Fixtures.nodes(client, 0);
    startedAndRunning("lab");
    h.sender.report(HOST, STATUS_PORT, report(SessionPhase.FINISHED, 0,
        client("node-1", ClientState.SUCCEEDED, IMAGE_BYTES, ""),
        client("node-2", ClientState.FAILED, 10, "device mounted"),
        client("node-3", ClientState.DROPPED, 300_000, "silent for 30s")));
    ImageBroadcast ib = h.reconcile("lab");

    assertThat(ib.getStatus().getPhase()).isEqualTo(BroadcastPhase.FAILED);
    assertThat(ib.getStatus().getMessage())
        .isEqualTo("1/3 succeeded; node-2: device mounted; node-3: silent for 30s");
    assertThat(client.nodes().withName("node-1").get().getMetadata().getAnnotations())
        .containsKey("broadband.dev/image-sha256");
    assertThat(client.nodes().withName("node-2").get().getMetadata().getAnnotations())
        .as("a node that failed holds no verified image").doesNotContainKey("broadband.dev/image-sha256");
    Condition failed = condition(ib.getStatus(), Conditions.FAILED);
    assertThat(failed.getStatus()).isEqualTo("True");
    assertThat(failed.getReason()).isEqualTo(Reasons.NODES_FAILED);
    assertThat(h.events()).filteredOn(e -> e.getReason().equals(Reasons.NODES_FAILED)).singleElement()
        .satisfies(e -> {
          assertThat(e.getType()).isEqualTo(EventRecorder.WARNING);
          assertThat(e.getMessage()).contains("node-2: device mounted");
          assertThat(e.getInvolvedObject().getUid()).isEqualTo(ib.getMetadata().getUid());
        });
  }

  @Test
  void aSelectedNodeThatNeverJoinedFailsTheBroadcast() {
    startedAndRunning("partial");
    h.sender.report(HOST, STATUS_PORT, report(SessionPhase.FINISHED, 0,
        client("node-1", ClientState.SUCCEEDED, IMAGE_BYTES, ""),
        client("node-2", ClientState.SUCCEEDED, IMAGE_BYTES, "")));
    ImageBroadcast ib = h.reconcile("partial");
    assertThat(ib.getStatus().getPhase()).isEqualTo(BroadcastPhase.FAILED);
    assertThat(ib.getStatus().getMessage()).isEqualTo("2/3 succeeded; node-3: did not join");
    assertThat(ib.getStatus().getProgress()).isEqualTo("66.6%");
  }

  @Test
  void anAbortedSessionFails() {
    startedAndRunning("timeout");
    h.sender.report(HOST, STATUS_PORT, report(SessionPhase.ABORTED, 0,
        client("node-1", ClientState.JOINED, 0, "")));
    ImageBroadcast ib = h.reconcile("timeout");
    assertThat(ib.getStatus().getPhase()).isEqualTo(BroadcastPhase.FAILED);
    assertThat(condition(ib.getStatus(), Conditions.FAILED).getReason()).isEqualTo(Reasons.SESSION_ABORTED);
    assertThat(ib.getStatus().getMessage()).contains("aborted").contains("node-2: did not join");
  }

  @Test
  void invalidSpecFailsNamingTheField() {
    ImageBroadcast bad = broadcast("bad");
    bad.getSpec().setRate("fast");
    h.create(bad);
    ImageBroadcast ib = h.reconcile("bad");
    assertThat(ib.getStatus().getPhase()).isEqualTo(BroadcastPhase.FAILED);
    assertThat(ib.getStatus().getMessage()).isEqualTo("invalid spec: spec.rate: 'fast' is not a rate like 800mbit or 1gbit");
    assertThat(condition(ib.getStatus(), Conditions.FAILED).getReason()).isEqualTo(Reasons.INVALID_SPEC);
    assertThat(h.pods()).isEmpty();
    assertThat(client.secrets().inNamespace(NAMESPACE).list().getItems()).isEmpty();
    assertThat(h.eventReasons()).containsExactly(Reasons.INVALID_SPEC);
  }

  @Test
  void deviceOutsideTheAgentsAllowListIsInvalid() {
    h = new ReconcileHarness(client, h.config.withAllowedDevices(List.of("/dev/nvme*n1")));
    h.create(broadcast("nvme"));
    ImageBroadcast ib = h.reconcile("nvme");
    assertThat(ib.getStatus().getPhase()).isEqualTo(BroadcastPhase.FAILED);
    assertThat(ib.getStatus().getMessage()).contains("spec.targetDevice").contains("/dev/sdb");
  }

  @Test
  void noMatchingNodeWaitsInPending() {
    ImageBroadcast lonely = broadcast("lonely");
    lonely.getSpec().setTargetNodeSelector(Map.of("rack", "nowhere"));
    h.create(lonely);
    ImageBroadcast ib = h.reconcile("lonely");
    assertThat(ib.getStatus().getPhase()).isEqualTo(BroadcastPhase.PENDING);
    assertThat(condition(ib.getStatus(), Conditions.PROGRESSING).getReason()).isEqualTo(Reasons.NO_TARGET_NODES);
    assertThat(h.pods()).isEmpty();
    assertThat(h.lastOutcome.requeueAfter()).isPresent();
  }

  @Test
  void createsTheSenderPodPerTheContract() {
    ImageBroadcast spec = broadcast("contract");
    spec.getSpec().setSource(ImageSource.ofHostPath("/var/lib/images/node.raw"));
    spec.getSpec().setSender(SenderPlacement.onNode("node-2"));
    spec.getSpec().setMinReceivers(2);
    spec.getSpec().setDropTimeout("45s");
    h.create(spec);
    h.reconcile("contract");

    Pod pod = h.pod("contract-sender-0");
    assertThat(pod.getSpec().getHostNetwork()).isTrue();
    assertThat(pod.getSpec().getNodeName()).isEqualTo("node-2");
    assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Never");
    assertThat(pod.getSpec().getInitContainers()).isEmpty();
    assertThat(pod.getSpec().getContainers()).singleElement().satisfies(c -> {
      assertThat(c.getImage()).isEqualTo(h.config.programImage());
      assertThat(c.getArgs()).containsExactly("server", "10.0.0.255", "--file", "/image/image.raw",
          "--data-port", "7854", "--control-port", "7855", "--status-port", "7856",
          "--report-file", "/dev/termination-log", "--key-file", "/var/run/broadband/key", "--min-clients", "2", "--start-timeout", "10m",
          "--drop-timeout", "45s", "--rate", "800mbit");
      assertThat(c.getTerminationMessagePath()).as("where the report is written is what the kubelet keeps")
          .isEqualTo("/dev/termination-log");
      assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
      assertThat(c.getPorts()).extracting(p -> p.getProtocol() + "/" + p.getHostPort())
          .containsExactly("UDP/7854", "UDP/7855", "TCP/7856");
    });
    assertThat(pod.getSpec().getVolumes()).filteredOn(v -> v.getHostPath() != null).singleElement()
        .satisfies(v -> assertThat(v.getHostPath().getPath()).isEqualTo("/var/lib/images/node.raw"));

    Secret key = client.secrets().inNamespace(NAMESPACE).withName("contract-key").get();
    assertThat(Base64.getDecoder().decode(key.getData().get(KeySecretFactory.KEY))).hasSize(32);
    assertThat(h.get("contract").getStatus().getKeySecret()).isEqualTo("contract-key");
  }

  @Test
  void podAndSecretAreOwnedByTheBroadcastSoDeletionRemovesThem() {
    ImageBroadcast ib = h.create(broadcast("owned"));
    h.reconcile("owned");
    Pod pod = h.pod("owned-sender-0");
    Secret key = client.secrets().inNamespace(NAMESPACE).withName("owned-key").get();
    for (OwnerReference ref : List.of(pod.getMetadata().getOwnerReferences().get(0),
        key.getMetadata().getOwnerReferences().get(0))) {
      assertThat(ref.getUid()).isEqualTo(ib.getMetadata().getUid());
      assertThat(ref.getKind()).isEqualTo("ImageBroadcast");
      assertThat(ref.getController()).isTrue();
      assertThat(ref.getBlockOwnerDeletion()).isTrue();
    }
    assertThat(pod.getMetadata().getLabels()).containsEntry(Labels.BROADCAST, "owned")
        .containsEntry(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE);
    // No finalizer: deletion never waits for the operator; the garbage collector follows the owners.
    assertThat(h.get("owned").getMetadata().getFinalizers()).isEmpty();
    client.resource(h.get("owned")).delete();
    assertThat(h.get("owned")).isNull();
  }

  @Test
  void aRecreatedSenderHasItsKeyEvenWhenTheSecretWasDeletedMeanwhile() {
    startedAndRunning("keyless");
    String keySecret = h.get("keyless").getStatus().getKeySecret();
    Secret before = client.secrets().inNamespace(NAMESPACE).withName(keySecret).get();
    client.resource(before).delete();
    h.podExited("keyless-sender-0", "node-0", HOST, 137, "OOMKilled");

    ImageBroadcast ib = h.reconcile("keyless");
    assertThat(ib.getStatus().getSenderPod()).isEqualTo("keyless-sender-1");
    Secret after = client.secrets().inNamespace(NAMESPACE).withName(keySecret).get();
    assertThat(after).as("the key the new sender pod mounts").isNotNull();
    assertThat(after.getData().get(KeySecretFactory.KEY)).isNotEmpty();
  }

  @Test
  void aDeadSenderIsRecreatedABoundedNumberOfTimesThenFails() {
    startedAndRunning("flaky");
    for (int restart = 1; restart <= h.config.maxSenderRestarts(); restart++) {
      String dead = "flaky-sender-" + (restart - 1);
      h.podExited(dead, "node-0", HOST, 137, "OOMKilled");
      ImageBroadcast ib = h.reconcile("flaky");
      assertThat(ib.getStatus().getPhase()).isEqualTo(BroadcastPhase.PENDING);
      assertThat(ib.getStatus().getSenderRestarts()).isEqualTo(restart);
      assertThat(ib.getStatus().getSenderPod()).isEqualTo("flaky-sender-" + restart);
      assertThat(ib.getStatus().getMessage()).contains("exited with code 137 (OOMKilled)");
      assertThat(h.pod(dead)).isNull();
      assertThat(h.pod("flaky-sender-" + restart)).isNotNull();
      h.podRunning("flaky-sender-" + restart, "node-0", HOST);
      assertThat(h.reconcile("flaky").getStatus().getPhase()).isEqualTo(BroadcastPhase.WAITING);
    }
    h.podExited("flaky-sender-3", "node-0", HOST, 1, "Error");
    ImageBroadcast ib = h.reconcile("flaky");
    assertThat(ib.getStatus().getPhase()).isEqualTo(BroadcastPhase.FAILED);
    assertThat(ib.getStatus().getMessage()).startsWith("sender failed after 3 restarts: sender exited with code 1");
    assertThat(condition(ib.getStatus(), Conditions.FAILED).getReason()).isEqualTo(Reasons.SENDER_FAILED);
    assertThat(h.eventReasons()).filteredOn(Reasons.SENDER_RESTARTED::equals).hasSize(3);
    assertThat(h.pods()).hasSize(1);
  }

  @Test
  void aVanishedSenderPodIsRecreated() {
    startedAndRunning("vanished");
    client.pods().inNamespace(NAMESPACE).withName("vanished-sender-0").delete();
    ImageBroadcast ib = h.reconcile("vanished");
    assertThat(ib.getStatus().getSenderPod()).isEqualTo("vanished-sender-1");
    assertThat(ib.getStatus().getMessage()).contains("disappeared");
    assertThat(h.pod("vanished-sender-1")).isNotNull();
  }

  @Test
  void aFailedDownloadSaysWhy() {
    h.create(broadcast("download"));
    h.reconcile("download");
    h.fetchFailed("download-sender-0", "node-0", HOST, "sha256 mismatch: expected abab, got cdcd");
    ImageBroadcast ib = h.reconcile("download");
    assertThat(ib.getStatus().getMessage()).contains("download failed: sha256 mismatch: expected abab, got cdcd");
    assertThat(ib.getStatus().getSenderPod()).isEqualTo("download-sender-1");
  }

  @Test
  void exitZeroBeforeTheFinalReportCountsTheNodesLastSeen() {
    startedAndRunning("quick");
    h.sender.report(HOST, STATUS_PORT, report(SessionPhase.STREAMING, 1000,
        client("node-1", ClientState.RECEIVING, 10, ""),
        client("node-2", ClientState.VERIFYING, IMAGE_BYTES, "")));
    h.reconcile("quick");
    h.sender.goDown(HOST, STATUS_PORT);
    h.podExited("quick-sender-0", "node-0", HOST, 0, "Completed");
    ImageBroadcast ib = h.reconcile("quick");
    assertThat(ib.getStatus().getPhase()).isEqualTo(BroadcastPhase.FAILED);
    assertThat(ib.getStatus().getMessage()).isEqualTo("2/3 succeeded; node-3: did not join");
  }

  @Test
  void aNonZeroExitAfterTheFinalReportIsTheOutcomeNotACrash() {
    startedAndRunning("final");
    h.sender.report(HOST, STATUS_PORT, report(SessionPhase.STREAMING, 1000,
        client("node-1", ClientState.RECEIVING, 10, "")));
    h.reconcile("final");
    h.sender.report(HOST, STATUS_PORT, report(SessionPhase.ABORTED, 0,
        client("node-1", ClientState.DROPPED, 10, "silent for 30s")));
    // The pod exits before the next pass; the poller still holds the last report it read.
    ImageBroadcast ib = h.reconcile("final");
    assertThat(ib.getStatus().getPhase()).isEqualTo(BroadcastPhase.FAILED);
    assertThat(ib.getStatus().getMessage()).contains("node-1: silent for 30s");
  }

  @Test
  void aSenderThatExitsBeforeItsFinishedReportWasReadIsJudgedByTheResultsItHadReported() {
    startedAndRunning("brief");
    // The last report read: every client has its result, so the sender ends the session next.
    h.sender.report(HOST, STATUS_PORT, report(SessionPhase.STREAMING, 0,
        client("node-1", ClientState.SUCCEEDED, IMAGE_BYTES, ""),
        client("node-2", ClientState.FAILED, 10, "device /dev/sdb is mounted at /var (/dev/sdb1)"),
        client("node-3", ClientState.SUCCEEDED, IMAGE_BYTES, "")));
    ImageBroadcast ib = h.reconcile("brief");
    h.sender.goDown(HOST, STATUS_PORT);
    h.podExited("brief-sender-0", "node-0", HOST, 1, "Error");
    ib = h.reconcile("brief");

    assertThat(ib.getStatus().getPhase()).isEqualTo(BroadcastPhase.FAILED);
    assertThat(ib.getStatus().getMessage()).isEqualTo("2/3 succeeded; node-2: device /dev/sdb is mounted at /var (/dev/sdb1)");
    assertThat(h.pods()).as("an outcome, not a crash: no sender is started again").hasSize(1);
  }

  @Test
  void anOperatorRestartedWhileTheSenderExitedTakesTheOutcomeFromItsTerminationMessage() throws Exception {
    startedAndRunning("restarted");
    h.sender.report(HOST, STATUS_PORT, report(SessionPhase.STREAMING, 1000,
        client("node-1", ClientState.RECEIVING, 10, "")));
    h.reconcile("restarted");
    // The operator goes away; the sender finishes and exits; a new operator, which never read the
    // sender, finds only the pod and what its server left in the termination log.
    ReconcileHarness restarted = new ReconcileHarness(client);
    restarted.sender.goDown(HOST, STATUS_PORT);
    String terminationMessage = terminationMessage(List.of("node-1", "node-3"),
        List.of(new FinalReport.Unfinished("node-2", ClientState.FAILED, 10, "no space left on /dev/sdb")), 0);
    restarted.podExited("restarted-sender-0", "node-0", HOST, 1, "Error", terminationMessage);
    ImageBroadcast ib = restarted.reconcile("restarted");

    assertThat(ib.getStatus().getPhase()).isEqualTo(BroadcastPhase.FAILED);
    assertThat(ib.getStatus().getNodes()).isEqualTo("2/3");
    assertThat(ib.getStatus().getMessage()).isEqualTo("2/3 succeeded; node-2: no space left on /dev/sdb");
    assertThat(ib.getStatus().getNodeStatuses()).extracting(NodeStatus::getName, NodeStatus::getPhase)
        .containsExactly(tuple("node-1", NodePhase.SUCCEEDED), tuple("node-2", NodePhase.FAILED),
            tuple("node-3", NodePhase.SUCCEEDED));
    assertThat(restarted.pods()).as("an outcome, not a crash: no sender is started again").hasSize(1);
  }

  @Test
  void aReportThatLeftNodesOutTakesWhatTheStatusLastShowedOfThemAndNeverSucceedsTheUnknown() throws Exception {
    startedAndRunning("big");
    h.sender.report(HOST, STATUS_PORT, report(SessionPhase.STREAMING, 1000,
        client("node-1", ClientState.SUCCEEDED, IMAGE_BYTES, ""), client("node-2", ClientState.RECEIVING, 10, ""),
        client("node-3", ClientState.RECEIVING, 10, "")));
    h.reconcile("big");
    h.sender.goDown(HOST, STATUS_PORT);
    // Only node-3 fitted; node-1 and node-2 were left out.
    String terminationMessage = terminationMessage(List.of("node-3"), List.of(), 2);
    h.podExited("big-sender-0", "node-0", HOST, 1, "Error", terminationMessage);
    ImageBroadcastStatus status = h.reconcile("big").getStatus();

    assertThat(status.getPhase()).isEqualTo(BroadcastPhase.FAILED);
    assertThat(status.getNodeStatuses()).extracting(NodeStatus::getName, NodeStatus::getPhase).containsExactly(
        tuple("node-1", NodePhase.SUCCEEDED), tuple("node-2", NodePhase.FAILED), tuple("node-3", NodePhase.SUCCEEDED));
    assertThat(status.getMessage()).isEqualTo("2/3 succeeded; node-2: its result is not in the sender's final report,"
        + " which left 2 clients out to fit a termination message: see the sender pod's log");
  }

  @Test
  void aCleanExitWithATerminationReportSucceedsWithEveryNode() throws Exception {
    startedAndRunning("clean");
    h.sender.goDown(HOST, STATUS_PORT);
    String terminationMessage = terminationMessage(List.of("node-1", "node-2", "node-3"), List.of(), 0);
    h.podExited("clean-sender-0", "node-0", HOST, 0, "Completed", terminationMessage);
    ImageBroadcast ib = h.reconcile("clean");
    assertThat(ib.getStatus().getPhase()).isEqualTo(BroadcastPhase.SUCCEEDED);
    assertThat(ib.getStatus().getNodes()).isEqualTo("3/3");
    assertThat(ib.getStatus().getProgress()).isEqualTo("100.0%");
  }

  @Test
  void theTargetNodesAreTakenOnceSoRelabellingMidRunChangesNeitherWhoNorTheDenominator() {
    startedAndRunning("frozen");
    assertThat(h.get("frozen").getStatus().getTargetNodes()).containsExactly("node-1", "node-2", "node-3");
    // Mid-run, node-3 loses its label and a new node gains it.
    client.nodes().withName("node-3").edit(n -> {
      n.getMetadata().getLabels().clear();
      return n;
    });
    client.resource(new NodeBuilder().withNewMetadata().withName("node-4").withLabels(Fixtures.TARGETS)
        .endMetadata().build()).create();
    h.sender.report(HOST, STATUS_PORT, report(SessionPhase.STREAMING, 1000,
        client("node-1", ClientState.RECEIVING, 10, ""), client("node-3", ClientState.RECEIVING, 10, "")));
    ImageBroadcast ib = h.reconcile("frozen");
    assertThat(ib.getStatus().getNodes()).isEqualTo("0/3");
    assertThat(ib.getStatus().getNodeStatuses()).extracting(NodeStatus::getName)
        .containsExactly("node-1", "node-2", "node-3");
    assertThat(ib.getStatus().getTargetNodes()).containsExactly("node-1", "node-2", "node-3");
  }

  @Test
  void whatTheApiServerRefusedReachesTheStatusAndAnEvent() {
    h.create(broadcast("refused"));
    KubernetesClientException forbidden = new KubernetesClientException(new StatusBuilder().withCode(403)
        .withMessage("pods \"refused-sender-0\" is forbidden: violates PodSecurity \"baseline:latest\": host"
            + " namespaces (hostNetwork=true)").build());
    ImageBroadcastStatus status = h.reconciliation.refused(h.get("refused"), forbidden, false).status();
    assertThat(status.getPhase()).isEqualTo(BroadcastPhase.PENDING);
    assertThat(status.getMessage()).isEqualTo("the API server refused a request of the operator: HTTP 403: pods"
        + " \"refused-sender-0\" is forbidden: violates PodSecurity \"baseline:latest\": host namespaces"
        + " (hostNetwork=true); the operator retries");
    assertThat(h.events()).filteredOn(e -> "ApiRefused".equals(e.getReason())).singleElement()
        .satisfies(e -> assertThat(e.getType()).isEqualTo("Warning"));
    assertThat(h.reconciliation.refused(h.get("refused"), forbidden, true).status().getMessage())
        .endsWith("; the operator stopped retrying: fix the cause, then re-create the broadcast");
  }

  @Test
  void aNodeWhoseDeviceAnotherBroadcastIsWritingWaitsAndSaysForWhich() {
    startedAndRunning("first");
    h.sender.report(HOST, h.get("first").getStatus().getStatusPort(), report(SessionPhase.STREAMING, 1000,
        client("node-1", ClientState.RECEIVING, 10, "")));
    h.reconcile("first");
    startedAndRunning("second");

    ImageBroadcastStatus second = h.get("second").getStatus();
    String device = h.get("second").getSpec().getTargetDevice();
    assertThat(second.getNodeStatuses()).extracting(NodeStatus::getName, NodeStatus::getMessage).containsExactly(
        tuple("node-1", "waits: " + device + " is being written by broadcast " + NAMESPACE + "/first"),
        tuple("node-2", null), tuple("node-3", null));
    assertThat(second.getMessage()).endsWith("; node-1 waits: " + device + " is being written by broadcast "
        + NAMESPACE + "/first");
  }

  @Test
  void aDryRunEndsAsItsOwnOutcomeAndRecordsNoImageOnTheNodes() {
    ImageBroadcast dry = broadcast("dry");
    dry.getSpec().setDryRun(true);
    h.create(dry);
    h.reconcile("dry");
    h.podRunning("dry-sender-0", "node-0", HOST);
    String would = "dry run: would write 64 MiB to /dev/sdb, which passes every check; nothing was written";
    h.sender.report(HOST, STATUS_PORT, report(SessionPhase.FINISHED, 0,
        client("node-1", ClientState.SUCCEEDED, 0, would), client("node-2", ClientState.SUCCEEDED, 0, would),
        client("node-3", ClientState.FAILED, 0, "device /dev/sdb is mounted at /var")));
    ImageBroadcastStatus status = h.reconcile("dry").getStatus();

    assertThat(status.getMessage()).isEqualTo("dry run, nothing was written: 2/3 passed every check; node-3: device"
        + " /dev/sdb is mounted at /var");
    assertThat(condition(status, Conditions.FAILED).getReason()).isEqualTo(Reasons.DRY_RUN_REFUSED);
    assertThat(client.nodes().withName("node-1").get().getMetadata().getAnnotations())
        .as("a dry run wrote nothing, so no node holds its image").isNullOrEmpty();
  }

  @Test
  void agentsGetACopyOfTheKeyInTheOperatorsNamespaceDeletedOnceSpent() {
    ReconcileHarness keys = new ReconcileHarness(client, OperatorConfig.fromEnv(Map.of(
        "BROADBAND_KEY_NAMESPACE", "broadband-system")).withPollInterval(Duration.ofSeconds(2)));
    keys.create(broadcast("keyed"));
    keys.create(broadcast("gone"));
    ImageBroadcastStatus status = keys.reconcile("keyed").getStatus();
    keys.reconcile("gone");
    String uid = keys.get("keyed").getMetadata().getUid();
    assertThat(status.getAgentKeySecret()).isEqualTo("broadband-system/broadband-key-" + uid);
    Secret copy = client.secrets().inNamespace("broadband-system").withName("broadband-key-" + uid).get();
    Secret original = client.secrets().inNamespace(NAMESPACE).withName(status.getKeySecret()).get();
    assertThat(copy.getData()).isEqualTo(original.getData());

    // One is deleted mid-run, the other finishes: neither copy outlives its use.
    client.resource(keys.get("gone")).delete();
    keys.podRunning("keyed-sender-0", "node-0", HOST);
    keys.sender.report(HOST, STATUS_PORT, report(SessionPhase.FINISHED, 0,
        client("node-1", ClientState.SUCCEEDED, IMAGE_BYTES, ""), client("node-2", ClientState.SUCCEEDED, IMAGE_BYTES, ""),
        client("node-3", ClientState.SUCCEEDED, IMAGE_BYTES, "")));
    assertThat(keys.reconcile("keyed").getStatus().getPhase()).isEqualTo(BroadcastPhase.SUCCEEDED);
    keys.reconcile("keyed");
    assertThat(client.secrets().inNamespace("broadband-system").list().getItems()).isEmpty();
  }

  @Test
  void anUnreadableStatusEndpointKeepsThePhaseAndSaysSo() {
    startedAndRunning("quiet");
    h.sender.goDown(HOST, STATUS_PORT);
    ImageBroadcast ib = h.reconcile("quiet");
    assertThat(ib.getStatus().getPhase()).isEqualTo(BroadcastPhase.WAITING);
    assertThat(ib.getStatus().getMessage()).contains("not readable yet").contains("connection refused");
    assertThat(condition(ib.getStatus(), Conditions.PROGRESSING).getReason()).isEqualTo(Reasons.STATUS_UNAVAILABLE);
  }

  @Test
  void twoBroadcastsGetDistinctPorts() {
    h.create(broadcast("first"));
    h.create(broadcast("second"));
    ImageBroadcastStatus first = h.reconcile("first").getStatus();
    ImageBroadcastStatus second = h.reconcile("second").getStatus();
    assertThat(List.of(first.getDataPort(), first.getControlPort(), first.getStatusPort()))
        .doesNotContainAnyElementsOf(List.of(second.getDataPort(), second.getControlPort(), second.getStatusPort()));
    assertThat(second.getDataPort()).isEqualTo(7857);
    assertThat(second.getControlPort()).isEqualTo(7858);
    assertThat(h.pod("second-sender-0").getSpec().getContainers().get(0).getArgs())
        .containsSequence("--data-port", "7857", "--control-port", "7858", "--status-port", "7859");
  }

  @Test
  void whenPortsRunOutTheNextBroadcastQueuesUntilOneFinishes() {
    h = new ReconcileHarness(client, h.config.withPortSlots(1));
    startedAndRunning("first");
    h.create(broadcast("second"));
    ImageBroadcast queued = h.reconcile("second");
    assertThat(queued.getStatus().getPhase()).isEqualTo(BroadcastPhase.PENDING);
    assertThat(queued.getStatus().getMessage()).contains("in use by imaging/first");
    assertThat(condition(queued.getStatus(), Conditions.PROGRESSING).getReason()).isEqualTo(Reasons.WAITING_FOR_PORTS);
    assertThat(h.pod("second-sender-0")).isNull();

    h.sender.report(HOST, STATUS_PORT, report(SessionPhase.FINISHED, 0,
        client("node-1", ClientState.SUCCEEDED, IMAGE_BYTES, ""),
        client("node-2", ClientState.SUCCEEDED, IMAGE_BYTES, ""),
        client("node-3", ClientState.SUCCEEDED, IMAGE_BYTES, "")));
    assertThat(h.reconcile("first").getStatus().getPhase()).isEqualTo(BroadcastPhase.SUCCEEDED);

    ImageBroadcast started = h.reconcile("second");
    assertThat(started.getStatus().getDataPort()).isEqualTo(7854);
    assertThat(h.pod("second-sender-0")).isNotNull();
  }

  @Test
  void aChangedSpecDoesNotRestartTheSender() {
    // The API server rejects spec changes (self == oldSelf); if one slipped through, the running
    // broadcast must carry on unchanged rather than half-apply it.
    startedAndRunning("frozen");
    ImageBroadcast ib = h.get("frozen");
    ib.getSpec().setRate("1gbit");
    client.resource(ib).update();
    ImageBroadcast after = h.reconcile("frozen");
    assertThat(after.getStatus().getSenderPod()).isEqualTo("frozen-sender-0");
    assertThat(h.pods()).hasSize(1);
  }

  @Test
  void finishedBroadcastsAreDeletedAfterTheirTimeToLive() {
    ImageBroadcast ttl = broadcast("ttl");
    ttl.getSpec().setTtlSecondsAfterFinished(600L);
    h.create(ttl);
    h.reconcile("ttl");
    h.podRunning("ttl-sender-0", "node-0", HOST);
    h.sender.report(HOST, STATUS_PORT, report(SessionPhase.ABORTED, 0));
    assertThat(h.reconcile("ttl").getStatus().getPhase()).isEqualTo(BroadcastPhase.FAILED);
    assertThat(h.lastOutcome.requeueAfter()).contains(Duration.ofSeconds(600));

    h.clock.advance(Duration.ofSeconds(599));
    assertThat(h.reconcile("ttl")).isNotNull();
    assertThat(h.lastOutcome.requeueAfter()).contains(Duration.ofSeconds(1));
    h.clock.advance(Duration.ofSeconds(1));
    assertThat(h.reconcile("ttl")).isNull();
  }

  @Test
  void conditionsKeepTheirTransitionTimeWhileUnchanged() {
    startedAndRunning("steady");
    String since = condition(h.get("steady").getStatus(), Conditions.PROGRESSING).getLastTransitionTime();
    h.clock.advance(Duration.ofMinutes(5));
    h.sender.report(HOST, STATUS_PORT, report(SessionPhase.STREAMING, 1000, client("node-1", ClientState.RECEIVING, 1, "")));
    ImageBroadcast ib = h.reconcile("steady");
    assertThat(condition(ib.getStatus(), Conditions.PROGRESSING).getLastTransitionTime()).isEqualTo(since);
    assertThat(condition(ib.getStatus(), Conditions.PROGRESSING).getReason()).isEqualTo(Reasons.BROADCASTING);
  }

  /** Created, sender running on node-0 at HOST, sender WAITING with nobody joined. */
  /** What the kubelet keeps of a finished sender's --report-file, as the operator reads it. */
  private static String terminationMessage(List<String> succeeded, List<FinalReport.Unfinished> unfinished,
      int omitted) throws Exception {
    return HttpSenderStatusClient.objectMapper().writeValueAsString(new FinalReport("0011223344556677",
        SessionPhase.FINISHED, IMAGE_BYTES, null, succeeded, unfinished, omitted));
  }

  private void startedAndRunning(String name) {
    h.create(broadcast(name));
    h.reconcile(name);
    ImageBroadcastStatus status = h.get(name).getStatus();
    h.podRunning(status.getSenderPod(), "node-0", HOST);
    h.sender.report(HOST, status.getStatusPort(), report(SessionPhase.WAITING, 0));
    assertThat(h.reconcile(name).getStatus().getPhase()).isEqualTo(BroadcastPhase.WAITING);
  }

  private static Condition condition(ImageBroadcastStatus status, String type) {
    return Conditions.find(status.getConditions(), type).orElseThrow();
  }
}
