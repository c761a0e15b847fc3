package dev.broadband.operator.sender;

import java.util.List;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;

/**
 * What a sender pod's Kubernetes status says about the sender, in the operator's terms. {@code finalReport} is the
 * server container's termination message once it exited: the report it wrote with {@code --report-file}, if any.
 */
public record SenderPodState(Kind kind, String hostIp, String message, String finalReport) {

  SenderPodState(Kind kind, String hostIp, String message) {
    this(kind, hostIp, message, null);
  }

  public enum Kind {
    /** Not started: being scheduled, pulling, or between the download and the server. */
    PENDING,
    /** The init container is downloading and checking the image. */
    DOWNLOADING,
    /** The server container runs; its status endpoint should answer. */
    RUNNING,
    /** The server exited 0: every receiver that joined verified the image. */
    SUCCEEDED,
    /** The download, the server or the pod itself failed. */
    FAILED
  }

  public static SenderPodState of(Pod pod) {
    PodStatus status = pod.getStatus();
    if (pod.getMetadata().getDeletionTimestamp() != null) {
      return new SenderPodState(Kind.FAILED, null, "sender pod " + pod.getMetadata().getName() + " was deleted");
    }
    if (status == null || status.getPhase() == null) {
      return new SenderPodState(Kind.PENDING, null, "sender pod created");
    }
    String hostIp = status.getHostIP();
    Optional<ContainerStatus> fetch = find(status.getInitContainerStatuses(), SenderPodFactory.FETCH_CONTAINER);
    Optional<ContainerStatus> server = find(status.getContainerStatuses(), SenderPodFactory.SERVER_CONTAINER);
    return switch (status.getPhase()) {
      case "Running" -> server.map(c -> c.getState() != null && c.getState().getRunning() != null).orElse(false)
          ? new SenderPodState(Kind.RUNNING, hostIp, "sender running on " + nodeOf(pod))
          : new SenderPodState(Kind.PENDING, hostIp, "sender starting on " + nodeOf(pod));
      case "Succeeded" -> new SenderPodState(Kind.SUCCEEDED, hostIp, "sender exited 0", finalReport(server));
      case "Failed" -> new SenderPodState(Kind.FAILED, hostIp, failure(status, fetch, server), finalReport(server));
      case "Pending" -> pending(pod, status, fetch, server);
      default -> new SenderPodState(Kind.PENDING, hostIp, "sender pod phase " + status.getPhase());
    };
  }

  private static SenderPodState pending(Pod pod, PodStatus status, Optional<ContainerStatus> fetch,
      Optional<ContainerStatus> server) {
    if (fetch.map(c -> c.getState() != null && c.getState().getRunning() != null).orElse(false)) {
      return new SenderPodState(Kind.DOWNLOADING, status.getHostIP(), "downloading and checking the image on " + nodeOf(pod));
    }
    Optional<String> waiting = fetch.flatMap(SenderPodState::waitingReason)
        .or(() -> server.flatMap(SenderPodState::waitingReason));
    if (waiting.isPresent()) {
      return new SenderPodState(Kind.PENDING, status.getHostIP(), "sender pod: " + waiting.get());
    }
    Optional<PodCondition> unscheduled = status.getConditions().stream()
        .filter(c -> "PodScheduled".equals(c.getType()) && "False".equals(c.getStatus()))
        .findFirst();
    if (unscheduled.isPresent()) {
      return new SenderPodState(Kind.PENDING, null, "sender pod not scheduled: "
          + Optional.ofNullable(unscheduled.get().getMessage()).orElse(unscheduled.get().getReason()));
    }
    return new SenderPodState(Kind.PENDING, status.getHostIP(), "sender pod pending");
  }

  private static String failure(PodStatus status, Optional<ContainerStatus> fetch,
      Optional<ContainerStatus> server) {
    Optional<String> fetchFailure = fetch.flatMap(SenderPodState::terminatedWithError)
        .map(t -> "download failed: " + describe(t));
    if (fetchFailure.isPresent()) {
      return fetchFailure.get();
    }
    Optional<String> serverFailure = server.flatMap(SenderPodState::terminatedWithError)
        .map(t -> "sender exited with code " + t.getExitCode() + describeReason(t));
    if (serverFailure.isPresent()) {
      return serverFailure.get();
    }
    return "sender pod failed" + (status.getReason() == null ? "" : ": " + status.getReason())
        + (status.getMessage() == null ? "" : " (" + status.getMessage().strip() + ")");
  }

  private static String finalReport(Optional<ContainerStatus> server) {
    return server.map(ContainerStatus::getState).map(s -> s.getTerminated())
        .map(ContainerStateTerminated::getMessage).filter(SenderPodState::isReport).orElse(null);
  }

  /** The server writes its report as a JSON object; anything else there explains a crash. */
  private static boolean isReport(String message) {
    return message != null && message.strip().startsWith("{");
  }

  private static Optional<ContainerStateTerminated> terminatedWithError(ContainerStatus c) {
    return Optional.ofNullable(c.getState()).map(s -> s.getTerminated())
        .filter(t -> t.getExitCode() != null && t.getExitCode() != 0);
  }

  private static Optional<String> waitingReason(ContainerStatus c) {
    return Optional.ofNullable(c.getState()).map(s -> s.getWaiting())
        .map(ContainerStateWaiting::getReason)
        .filter(r -> !"PodInitializing".equals(r) && !"ContainerCreating".equals(r))
        .map(r -> c.getName() + " " + r
            + Optional.ofNullable(c.getState().getWaiting().getMessage()).map(m -> ": " + m).orElse(""));
  }

  private static String describe(ContainerStateTerminated t) {
    String message = t.getMessage() == null ? "" : t.getMessage().strip();
    return message.isEmpty() ? "exit code " + t.getExitCode() + describeReason(t) : message;
  }

  private static String describeReason(ContainerStateTerminated t) {
    String reason = t.getReason() == null || "Error".equals(t.getReason()) ? "" : " (" + t.getReason() + ")";
    String message = t.getMessage() == null || t.getMessage().isBlank() || isReport(t.getMessage()) ? ""
        : ": " + lastLine(t.getMessage());
    return reason + message;
  }

  private static String lastLine(String text) {
    String[] lines = text.strip().split("\n");
    return lines[lines.length - 1];
  }

  private static Optional<ContainerStatus> find(List<ContainerStatus> statuses, String name) {
    return statuses == null ? Optional.empty()
        : statuses.stream().filter(c -> name.equals(c.getName())).findFirst();
  }

  private static String nodeOf(Pod pod) {
    return pod.getSpec() == null || pod.getSpec().getNodeName() == null ? "its node" : pod.getSpec().getNodeName();
  }
}
