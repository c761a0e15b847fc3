package dev.broadband.operator.support;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.broadband.api.ImageBroadcast;
import dev.broadband.operator.monitoring.OperatorMetrics;
import dev.broadband.operator.reconciler.BroadcastReconciliation;
import dev.broadband.operator.reconciler.EventRecorder;
import dev.broadband.operator.reconciler.OperatorConfig;
import dev.broadband.operator.reconciler.Outcome;
import dev.broadband.operator.sender.SenderPodFactory;
import dev.broadband.operator.status.SenderStatusClient;
import dev.broadband.operator.status.StatusPoller;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Runs reconcile passes by hand against the mock API server and writes the outcome the way the
 * JOSDK adapter does (status patched only when it changed, delete when the TTL ran out), so each
 * test steps through phases deterministically.
 */
public final class ReconcileHarness {

  public final KubernetesClient client;
  public final FakeSenderStatusClient sender = new FakeSenderStatusClient();
  public final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T12:00:00Z"));
  public final OperatorConfig config;
  public final BroadcastReconciliation reconciliation;
  public Outcome lastOutcome;

  public ReconcileHarness(KubernetesClient client, OperatorConfig config) {
    this(client, config, null);
  }

  /** @param realSender reads real senders' status endpoints instead of {@link #sender}; null for the fake */
  public ReconcileHarness(KubernetesClient client, OperatorConfig config, SenderStatusClient realSender) {
    this.client = client;
    this.config = config;
    // Poll on every pass: the tests decide when the sender is read, not a timer.
    StatusPoller poller = new StatusPoller(realSender != null ? realSender : sender, clock, Duration.ZERO);
    this.reconciliation = new BroadcastReconciliation(client, config, poller,
        new EventRecorder(client, clock), OperatorMetrics.unregistered(), clock);
  }

  public ReconcileHarness(KubernetesClient client) {
    this(client, OperatorConfig.fromEnv(Map.of("BROADBAND_HOST_PATH_DIRECTORIES", "/var/lib/images"))
        .withPollInterval(Duration.ofSeconds(2)));
  }

  public ImageBroadcast create(ImageBroadcast broadcast) {
    return client.resource(broadcast).create();
  }

  public ImageBroadcast get(String name) {
    return client.resources(ImageBroadcast.class).inNamespace(Fixtures.NAMESPACE).withName(name).get();
  }

  /** One reconcile pass; returns the resource as stored afterwards (null once deleted). */
  public ImageBroadcast reconcile(String name) {
    ImageBroadcast current = get(name);
    Outcome outcome = reconciliation.reconcile(current);
    lastOutcome = outcome;
    if (outcome.delete()) {
      client.resource(current).delete();
    } else if (!Objects.equals(outcome.status(), current.getStatus())) {
      client.resources(ImageBroadcast.class).inNamespace(Fixtures.NAMESPACE).withName(name)
          .editStatus(ib -> {
            ib.setStatus(outcome.status());
            return ib;
          });
    }
    return get(name);
  }

  public Pod pod(String name) {
    return client.pods().inNamespace(Fixtures.NAMESPACE).withName(name).get();
  }

  public List<Pod> pods() {
    return client.pods().inNamespace(Fixtures.NAMESPACE).list().getItems();
  }

  public List<Event> events() {
    return client.v1().events().inNamespace(Fixtures.NAMESPACE).list().getItems();
  }

  public List<String> eventReasons() {
    return events().stream().map(Event::getReason).toList();
  }

  /** The kubelet's part: the pod was scheduled and is downloading (init container running). */
  public void podDownloading(String podName, String node, String hostIp) {
    setPodStatus(podName, node, "Pending", hostIp,
        List.of(running(SenderPodFactory.FETCH_CONTAINER)),
        List.of(waiting(SenderPodFactory.SERVER_CONTAINER, "PodInitializing")));
  }

  public void podRunning(String podName, String node, String hostIp) {
    setPodStatus(podName, node, "Running", hostIp,
        List.of(terminated(SenderPodFactory.FETCH_CONTAINER, 0, "Completed", null)),
        List.of(running(SenderPodFactory.SERVER_CONTAINER)));
  }

  public void podExited(String podName, String node, String hostIp, int exitCode, String reason) {
    podExited(podName, node, hostIp, exitCode, reason, null);
  }

  /** @param terminationMessage what the kubelet read from the server's termination log */
  public void podExited(String podName, String node, String hostIp, int exitCode, String reason,
      String terminationMessage) {
    setPodStatus(podName, node, exitCode == 0 ? "Succeeded" : "Failed", hostIp,
        List.of(terminated(SenderPodFactory.FETCH_CONTAINER, 0, "Completed", null)),
        List.of(terminated(SenderPodFactory.SERVER_CONTAINER, exitCode, reason, terminationMessage)));
  }

  public void fetchFailed(String podName, String node, String hostIp, String message) {
    setPodStatus(podName, node, "Failed", hostIp,
        List.of(terminated(SenderPodFactory.FETCH_CONTAINER, 1, "Error", message)),
        List.of(waiting(SenderPodFactory.SERVER_CONTAINER, "PodInitializing")));
  }

  private void setPodStatus(String podName, String node, String phase, String hostIp,
      List<ContainerStatus> init, List<ContainerStatus> containers) {
    Pod pod = pod(podName);
    pod.getSpec().setNodeName(node);
    pod = client.resource(pod).update();
    pod.setStatus(new PodStatusBuilder().withPhase(phase).withHostIP(hostIp)
        .withInitContainerStatuses(init).withContainerStatuses(containers).build());
    client.resource(pod).updateStatus();
  }

  private static ContainerStatus running(String name) {
    return new ContainerStatusBuilder().withName(name)
        .withState(new ContainerStateBuilder().withNewRunning().withStartedAt("2026-11-25T12:00:00Z").endRunning().build())
        .build();
  }

  private static ContainerStatus waiting(String name, String reason) {
    return new ContainerStatusBuilder().withName(name)
        .withState(new ContainerStateBuilder().withNewWaiting().withReason(reason).endWaiting().build())
        .build();
  }

  private static ContainerStatus terminated(String name, int exitCode, String reason, String message) {
    return new ContainerStatusBuilder().withName(name)
        .withState(new ContainerStateBuilder().withNewTerminated().withExitCode(exitCode)
            .withReason(reason).withMessage(message).endTerminated().build())
        .build();
  }
}
