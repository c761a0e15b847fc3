package dev.broadband.operator.reconciler;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import dev.broadband.api.BroadcastPhase;
import dev.broadband.api.ImageBroadcast;
import dev.broadband.api.ImageBroadcastStatus;
import dev.broadband.api.NodePhase;
import dev.broadband.api.NodeStatus;
import dev.broadband.operator.monitoring.OperatorMetrics;
import dev.broadband.operator.sender.KeySecretFactory;
import dev.broadband.operator.sender.SenderPodFactory;
import dev.broadband.operator.sender.SenderPodState;
import dev.broadband.operator.status.Aggregate;
import dev.broadband.operator.status.Conditions;
import dev.broadband.operator.status.FinalReports;
import dev.broadband.protocol.status.SessionStatus;
import dev.broadband.operator.status.StatusAggregator;
import dev.broadband.operator.status.StatusPoller;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * One pass over one ImageBroadcast: look at the cluster and the sender, create what is missing,
 * and say what the status is now. Knows nothing of the operator framework, so tests call it
 * directly against a mock API server; {@link ImageBroadcastReconciler} adapts it to JOSDK.
 *
 * <p>The status is built fresh on every pass. Only facts that cannot be observed again are
 * carried over from the previous status: the port slot, the sender pod's name, how often it was
 * restarted, the target nodes taken at its creation, and when things started.
 */
public class BroadcastReconciliation {

  static final Duration PENDING_RECHECK = Duration.ofSeconds(10);
  static final Duration NO_NODES_RECHECK = Duration.ofSeconds(30);
  static final Duration PORTS_RECHECK = Duration.ofSeconds(15);

  private final KubernetesClient client;
  private final OperatorConfig config;
  private final SpecValidator validator;
  private final PortAllocator ports;
  private final SenderPodFactory pods;
  private final StatusPoller poller;
  private final EventRecorder events;
  private final OperatorMetrics metrics;
  private final Clock clock;

  public BroadcastReconciliation(KubernetesClient client, OperatorConfig config, StatusPoller poller,
      EventRecorder events, OperatorMetrics metrics, Clock clock) {
    this.client = client;
    this.config = config;
    this.validator = new SpecValidator(config.allowedDevices(), config.hostPathDirectories());
    this.ports = new PortAllocator(config);
    this.pods = new SenderPodFactory(config);
    this.poller = poller;
    this.events = events;
    this.metrics = metrics;
    this.clock = clock;
  }

  public Outcome reconcile(ImageBroadcast broadcast) {
    ImageBroadcastStatus previous = broadcast.getStatus();
    if (previous != null && previous.getPhase() != null && previous.getPhase().isFinished()) {
      return afterFinish(broadcast, previous);
    }
    ImageBroadcastStatus next = carriedOver(broadcast, previous);

    Optional<String> invalid = validator.validate(broadcast);
    if (invalid.isPresent()) {
      return conclude(broadcast, previous, next, BroadcastPhase.FAILED, Reasons.INVALID_SPEC,
          "invalid spec: " + invalid.get());
    }

    // Taken once, when the sender is created: relabelling a node mid-run must not change who is
    // imaged, nor the denominator of Nodes and Progress.
    List<String> selected = next.getTargetNodes() != null ? next.getTargetNodes() : selectedNodes(broadcast);
    if (selected.isEmpty() && next.getSenderPod() == null) {
      return progress(broadcast, previous, next, BroadcastPhase.PENDING, Reasons.NO_TARGET_NODES,
          "no node matches targetNodeSelector " + broadcast.getSpec().getTargetNodeSelector(),
          NO_NODES_RECHECK, selected);
    }

    Optional<PortSlot> slot = ports.recorded(previous)
        .or(() -> ports.allocate(broadcast, visibleBroadcasts()));
    if (slot.isEmpty()) {
      return progress(broadcast, previous, next, BroadcastPhase.PENDING, Reasons.WAITING_FOR_PORTS,
          "queued: all " + config.portSlots() + " port slots are in use by " + slotHolders(broadcast),
          PORTS_RECHECK, selected);
    }
    next.setDataPort(slot.get().dataPort());
    next.setControlPort(slot.get().controlPort());
    next.setStatusPort(slot.get().statusPort());
    // Read once, when the status does not name the key or the agents' copy yet (and again for a
    // new sender pod): a GET of the Secret on every pass of every broadcast bought nothing.
    if (next.getKeySecret() == null
        || (next.getAgentKeySecret() == null && !config.keyNamespace().isEmpty())) {
      Secret key = ensureKeySecret(broadcast);
      if (next.getAgentKeySecret() == null) {
        next.setAgentKeySecret(copyKeyForAgents(broadcast, key));
      }
      next.setKeySecret(KeySecretFactory.name(broadcast));
    }

    if (next.getSenderPod() == null) {
      Pod pod = createSender(broadcast, slot.get(), 0, selected.size());
      next.setSenderPod(pod.getMetadata().getName());
      next.setSenderRestarts(0);
      next.setTargetNodes(selected);
      return progress(broadcast, previous, next, BroadcastPhase.PENDING, Reasons.SENDER_CREATED,
          "created sender pod " + pod.getMetadata().getName(), PENDING_RECHECK, selected);
    }

    Pod pod = client.pods().inNamespace(namespace(broadcast)).withName(next.getSenderPod()).get();
    if (pod == null || !Owners.isControlledBy(pod, broadcast)) {
      return restartOrFail(broadcast, previous, next, slot.get(), selected,
          "sender pod " + next.getSenderPod() + " disappeared");
    }
    SenderPodState state = SenderPodState.of(pod);
    next.setSenderAddress(state.hostIp());
    String senderKey = namespace(broadcast) + "/" + next.getSenderPod();
    return switch (state.kind()) {
      case PENDING -> progress(broadcast, previous, next, BroadcastPhase.PENDING,
          Reasons.SENDER_SCHEDULING, state.message(), PENDING_RECHECK, selected);
      case DOWNLOADING -> progress(broadcast, previous, next, BroadcastPhase.PREPARING,
          Reasons.DOWNLOADING, state.message(), PENDING_RECHECK, selected);
      case RUNNING -> running(broadcast, previous, next, slot.get(), selected, senderKey, state);
      case SUCCEEDED -> finalReport(state, senderKey, next)
          .map(last -> applyReport(broadcast, previous, next, last, selected, senderKey))
          .orElseGet(() -> exitedCleanly(broadcast, previous, next, selected, senderKey));
      case FAILED -> finalReport(state, senderKey, next)
          // It exited non-zero after the session was over: its report is the outcome (some node
          // failed). Otherwise the sender died mid-session and deserves another try.
          .map(last -> applyReport(broadcast, previous, next, last, selected, senderKey))
          .orElseGet(() -> restartOrFail(broadcast, previous, next, slot.get(), selected, state.message()));
    };
  }

  /**
   * The outcome of an exited sender: the report it left as its termination message, which
   * survives the process and this operator's restarts, else the last report read from it.
   */
  private Optional<SessionStatus> finalReport(SenderPodState state, String senderKey,
      ImageBroadcastStatus next) {
    return FinalReports.session(state.finalReport(), next.getNodeStatuses())
        .or(() -> poller.lastKnown(senderKey)).filter(SessionStatus::over);
  }

  private Outcome running(ImageBroadcast broadcast, ImageBroadcastStatus previous,
      ImageBroadcastStatus next, PortSlot slot, List<String> selected, String senderKey,
      SenderPodState state) {
    if (state.hostIp() == null) {
      return progress(broadcast, previous, next, BroadcastPhase.PENDING, Reasons.SENDER_SCHEDULING,
          "sender running, host address not reported yet", config.pollInterval(), selected);
    }
    StatusPoller.Reading reading = poller.read(senderKey, state.hostIp(), slot.statusPort());
    if (reading.error() == null) {
      return applyReport(broadcast, previous, next, reading.status(), selected, senderKey);
    }
    metrics.statusPollFailed();
    // Unreadable (starting up, or a network hiccup): keep showing the last report, say why it is
    // not fresh, and look again after the poll interval.
    BroadcastPhase phase = previous != null && previous.getPhase() != null
        && previous.getPhase().ordinal() >= BroadcastPhase.WAITING.ordinal()
        ? previous.getPhase() : BroadcastPhase.WAITING;
    if (reading.status() != null) {
      Aggregate stale = StatusAggregator.aggregate(reading.status(), selected);
      if (stale.phase().isFinished()) {
        return applyReport(broadcast, previous, next, reading.status(), selected, senderKey);
      }
      setAggregate(next, stale);
      phase = stale.phase();
    }
    return progress(broadcast, previous, next, phase, Reasons.STATUS_UNAVAILABLE,
        "sender status at " + state.hostIp() + ":" + slot.statusPort() + " not readable yet: "
            + reading.error(), config.pollInterval(), selected);
  }


  private Outcome applyReport(ImageBroadcast broadcast, ImageBroadcastStatus previous,
      ImageBroadcastStatus next, SessionStatus report, List<String> selected, String senderKey) {
    next.setSession(report.session());
    next.setImageBytes(report.imageBytes());
    if (report.sourceFormat() != null) {
      next.setSourceFormat(report.sourceFormat());
    }
    if (report.startedAt() != null && next.getStartTime() == null) {
      next.setStartTime(report.startedAt().toString());
    }
    Aggregate aggregate = StatusAggregator.aggregate(report, selected);
    setAggregate(next, aggregate);
    if (aggregate.phase().isFinished()) {
      poller.forget(senderKey);
      recordImageOnNodes(broadcast, next, report);
      if (Boolean.TRUE.equals(broadcast.getSpec().getDryRun())) {
        // Its own outcome: nobody must read "Succeeded" as "written".
        return conclude(broadcast, previous, next, aggregate.phase(),
            aggregate.phase() == BroadcastPhase.SUCCEEDED ? Reasons.DRY_RUN_PASSED : Reasons.DRY_RUN_REFUSED,
            StatusAggregator.dryRunMessage(aggregate.nodeStatuses(), aggregate.nodes()));
      }
      return conclude(broadcast, previous, next, aggregate.phase(), aggregate.reason(), aggregate.message());
    }
    String waits = explainBusyDevices(broadcast, next);
    return progress(broadcast, previous, next, aggregate.phase(), aggregate.reason(),
        aggregate.message() + waits, config.pollInterval(), selected);
  }

  /**
   * An agent writes one broadcast per device at a time, so a node whose device another running
   * broadcast is writing waits for it: its entry says for which, and so does the message
   * ("; node-3 waits: /dev/sdb is being written by broadcast ns/other"). Empty when none waits.
   */
  private String explainBusyDevices(ImageBroadcast broadcast, ImageBroadcastStatus next) {
    if (next.getNodeStatuses().stream().noneMatch(n -> n.getPhase() == NodePhase.WAITING)) {
      return "";
    }
    String device = broadcast.getSpec().getTargetDevice();
    List<ImageBroadcast> writing = visibleBroadcasts().stream()
        .filter(o -> !Objects.equals(o.getMetadata().getUid(), broadcast.getMetadata().getUid()))
        .filter(o -> o.getSpec() != null && device.equals(o.getSpec().getTargetDevice()))
        .filter(o -> o.getStatus() != null && o.getStatus().getPhase() != null
            && !o.getStatus().getPhase().isFinished())
        .toList();
    StringBuilder waits = new StringBuilder();
    List<NodeStatus> explained = new ArrayList<>();
    for (NodeStatus n : next.getNodeStatuses()) {
      Optional<ImageBroadcast> holder = n.getPhase() != NodePhase.WAITING ? Optional.empty()
          : writing.stream().filter(o -> isWriting(o, n.getName())).findFirst();
      if (holder.isEmpty()) {
        explained.add(n);
        continue;
      }
      String why = "waits: " + device + " is being written by broadcast "
          + holder.get().getMetadata().getNamespace() + "/" + holder.get().getMetadata().getName();
      explained.add(new NodeStatus(n.getName(), n.getPhase(), n.getProgress(), n.getBytes(), why));
      waits.append("; ").append(n.getName()).append(' ').append(why);
    }
    next.setNodeStatuses(explained);
    return waits.toString();
  }

  private static boolean isWriting(ImageBroadcast other, String node) {
    return other.getStatus().getNodeStatuses().stream()
        .anyMatch(n -> node.equals(n.getName()) && n.getPhase() != null && n.getPhase() != NodePhase.WAITING
            && !n.getPhase().isFinished());
  }

  /** Every node that verified the image (a dry run writes none) gets it recorded on its Node. */
  private void recordImageOnNodes(ImageBroadcast broadcast, ImageBroadcastStatus next, SessionStatus report) {
    if (report.sha256() == null || Boolean.TRUE.equals(broadcast.getSpec().getDryRun())) {
      return;
    }
    List<String> verified = next.getNodeStatuses().stream()
        .filter(n -> n.getPhase() == NodePhase.SUCCEEDED).map(NodeStatus::getName).toList();
    List<String> failed = NodeImageRecord.record(client, verified, NodeImageRecord.annotations(report.sha256(),
        namespace(broadcast) + "/" + broadcast.getMetadata().getName(), clock.instant()));
    if (!failed.isEmpty()) {
      events.record(broadcast, EventRecorder.WARNING, Reasons.NODE_RECORD_FAILED,
          "the image is written, but could not be recorded on " + String.join(", ", failed));
    }
  }

  /**
   * Exit 0 without a final report (a sender of an older version): every client that joined
   * verified, and the last status seen says who joined.
   */
  private Outcome exitedCleanly(ImageBroadcast broadcast, ImageBroadcastStatus previous,
      ImageBroadcastStatus next, List<String> selected, String senderKey) {
    long imageBytes = next.getImageBytes() == null ? 0 : next.getImageBytes();
    Aggregate aggregate = StatusAggregator.afterCleanExit(next.getNodeStatuses(), selected, imageBytes);
    setAggregate(next, aggregate);
    poller.forget(senderKey);
    return conclude(broadcast, previous, next, aggregate.phase(), aggregate.reason(), aggregate.message());
  }

  private Outcome restartOrFail(ImageBroadcast broadcast, ImageBroadcastStatus previous,
      ImageBroadcastStatus next, PortSlot slot, List<String> selected, String why) {
    String oldPod = next.getSenderPod();
    poller.forget(namespace(broadcast) + "/" + oldPod);
    int restarts = next.getSenderRestarts() == null ? 0 : next.getSenderRestarts();
    if (restarts >= config.maxSenderRestarts()) {
      return conclude(broadcast, previous, next, BroadcastPhase.FAILED, Reasons.SENDER_FAILED,
          "sender failed after " + restarts + " restarts: " + why);
    }
    client.pods().inNamespace(namespace(broadcast)).withName(oldPod).delete();
    // The new pod mounts the key: a Secret deleted meanwhile would leave it waiting to start.
    ensureKeySecret(broadcast);
    Pod pod = createSender(broadcast, slot, restarts + 1, selected.size());
    next.setSenderPod(pod.getMetadata().getName());
    next.setSenderRestarts(restarts + 1);
    next.setSenderAddress(null);
    metrics.senderRestarted();
    String message = why + "; recreated as " + pod.getMetadata().getName() + " (restart "
        + (restarts + 1) + " of " + config.maxSenderRestarts() + ")";
    return progress(broadcast, previous, next, BroadcastPhase.PENDING, Reasons.SENDER_RESTARTED,
        message, PENDING_RECHECK, selected);
  }

  /**
   * A pass the API server refused (a 403 from admission or RBAC, a 422): the status and an Event
   * say what it answered, and the phase stays what it was.
   */
  public Outcome refused(ImageBroadcast broadcast, KubernetesClientException e, boolean lastAttempt) {
    ImageBroadcastStatus previous = broadcast.getStatus();
    ImageBroadcastStatus next = carriedOver(broadcast, previous);
    BroadcastPhase phase = previous != null && previous.getPhase() != null ? previous.getPhase()
        : BroadcastPhase.PENDING;
    String message = "the API server refused a request of the operator: " + ApiErrors.describe(e)
        + (lastAttempt ? "; the operator stopped retrying: fix the cause, then re-create the broadcast"
            : "; the operator retries");
    return progress(broadcast, previous, next, phase, Reasons.API_REFUSED, message, null, List.of());
  }

  /** Finished: free the ports, and delete the resource once its time to live has passed. */
  private Outcome afterFinish(ImageBroadcast broadcast, ImageBroadcastStatus status) {
    ports.release(broadcast.getMetadata().getUid());
    Long ttl = broadcast.getSpec() == null ? null : broadcast.getSpec().getTtlSecondsAfterFinished();
    if (ttl == null) {
      return Outcome.update(status, null);
    }
    Instant finishedAt = parse(status.getCompletionTime()).orElse(clock.instant());
    Duration left = Duration.between(clock.instant(), finishedAt.plusSeconds(ttl));
    if (left.isNegative() || left.isZero()) {
      return Outcome.deleteNow();
    }
    return Outcome.update(status, left);
  }

  private Outcome conclude(ImageBroadcast broadcast, ImageBroadcastStatus previous,
      ImageBroadcastStatus next, BroadcastPhase phase, String reason, String message) {
    ports.release(broadcast.getMetadata().getUid());
    // A finished session is never joined again: its key is spent.
    if (next.getAgentKeySecret() != null) {
      client.secrets().inNamespace(config.keyNamespace()).withName(KeySecretFactory.agentCopyName(broadcast)).delete();
      next.setAgentKeySecret(null);
      deleteSpentAgentKeys();
    }
    next.setRate(null);
    next.setCompletionTime(clock.instant().toString());
    Outcome outcome = progress(broadcast, previous, next, phase, reason, message, null,
        List.of());
    Long ttl = broadcast.getSpec() == null ? null : broadcast.getSpec().getTtlSecondsAfterFinished();
    return ttl == null ? outcome : Outcome.update(outcome.status(), Duration.ofSeconds(Math.max(ttl, 0)));
  }

  /** Sets phase, message and conditions, and reports a phase change as an Event. */
  private Outcome progress(ImageBroadcast broadcast, ImageBroadcastStatus previous,
      ImageBroadcastStatus next, BroadcastPhase phase, String reason, String message,
      Duration requeue, List<String> selected) {
    next.setPhase(phase);
    next.setMessage(message);
    if (next.getProgress() == null) {
      next.setProgress("0.0%");
    }
    if (next.getNodes() == null && !selected.isEmpty()) {
      next.setNodes("0/" + selected.size());
    }
    next.setConditions(Conditions.of(phase, reason, message, broadcast.getMetadata().getGeneration(),
        previous == null ? List.of() : previous.getConditions(), clock.instant()));
    BroadcastPhase before = previous == null ? null : previous.getPhase();
    // Every phase change is an Event; so is every restart and every refusal, which may not change
    // the phase.
    if (before != phase) {
      metrics.phaseEntered(phase);
    }
    boolean trouble = Reasons.SENDER_RESTARTED.equals(reason) || Reasons.API_REFUSED.equals(reason);
    if (before != phase || trouble) {
      String type = phase == BroadcastPhase.FAILED || trouble ? EventRecorder.WARNING : EventRecorder.NORMAL;
      events.record(broadcast, type, reason, phase.displayName() + ": " + message);
    }
    return Outcome.update(next, requeue);
  }

  private static void setAggregate(ImageBroadcastStatus next, Aggregate aggregate) {
    next.setProgress(aggregate.progress());
    next.setNodes(aggregate.nodes());
    next.setRate(aggregate.rate());
    next.setNodeStatuses(new ArrayList<>(aggregate.nodeStatuses()));
  }

  /** A fresh status holding only what cannot be observed again. */
  private static ImageBroadcastStatus carriedOver(ImageBroadcast broadcast, ImageBroadcastStatus previous) {
    ImageBroadcastStatus next = new ImageBroadcastStatus();
    next.setObservedGeneration(broadcast.getMetadata().getGeneration());
    if (previous != null) {
      next.setDataPort(previous.getDataPort());
      next.setControlPort(previous.getControlPort());
      next.setStatusPort(previous.getStatusPort());
      next.setKeySecret(previous.getKeySecret());
      next.setAgentKeySecret(previous.getAgentKeySecret());
      next.setSenderPod(previous.getSenderPod());
      next.setSenderAddress(previous.getSenderAddress());
      next.setSenderRestarts(previous.getSenderRestarts());
      next.setTargetNodes(previous.getTargetNodes());
      next.setSession(previous.getSession());
      next.setImageBytes(previous.getImageBytes());
      next.setSourceFormat(previous.getSourceFormat());
      next.setStartTime(previous.getStartTime());
      next.setProgress(previous.getProgress());
      next.setNodes(previous.getNodes());
      next.setNodeStatuses(new ArrayList<>(previous.getNodeStatuses()));
    }
    return next;
  }

  private List<String> selectedNodes(ImageBroadcast broadcast) {
    return client.nodes().withLabels(broadcast.getSpec().getTargetNodeSelector()).list().getItems()
        .stream().map(node -> node.getMetadata().getName()).sorted().toList();
  }

  private List<ImageBroadcast> visibleBroadcasts() {
    if (config.namespaces().isEmpty()) {
      return client.resources(ImageBroadcast.class).inAnyNamespace().list().getItems();
    }
    List<ImageBroadcast> all = new ArrayList<>();
    for (String ns : config.namespaces()) {
      all.addAll(client.resources(ImageBroadcast.class).inNamespace(ns).list().getItems());
    }
    return all;
  }

  private String slotHolders(ImageBroadcast broadcast) {
    return visibleBroadcasts().stream()
        .filter(ib -> !Objects.equals(ib.getMetadata().getUid(), broadcast.getMetadata().getUid()))
        .filter(ib -> ib.getStatus() != null && ib.getStatus().getDataPort() != null
            && ib.getStatus().getPhase() != null && !ib.getStatus().getPhase().isFinished())
        .map(ib -> ib.getMetadata().getNamespace() + "/" + ib.getMetadata().getName())
        .sorted()
        .collect(Collectors.joining(", "));
  }

  private Secret ensureKeySecret(ImageBroadcast broadcast) {
    Secret key = client.secrets().inNamespace(namespace(broadcast)).withName(KeySecretFactory.name(broadcast)).get();
    return key != null ? key : createOrAdopt(KeySecretFactory.desired(broadcast), broadcast);
  }

  /**
   * Made once, when the status does not name it yet (an earlier pass may have made it and lost
   * its status write: then it exists already, which is as good).
   *
   * @return namespace/name of the agents' copy of the key, or null where agents read the sender's
   */
  private String copyKeyForAgents(ImageBroadcast broadcast, Secret key) {
    if (config.keyNamespace().isEmpty()) {
      return null;
    }
    deleteSpentAgentKeys();
    try {
      client.resource(KeySecretFactory.agentCopy(broadcast, key, config.keyNamespace())).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != ApiErrors.CONFLICT) {
        throw e;
      }
    }
    return config.keyNamespace() + "/" + KeySecretFactory.agentCopyName(broadcast);
  }

  /**
   * The agents' copies of keys whose broadcast finished or is gone (no owner reference can reach
   * across namespaces). Swept when a copy is made and when a broadcast finishes, not on every
   * pass: a broadcast deleted mid-run leaves its copy until the next broadcast starts or ends.
   */
  private void deleteSpentAgentKeys() {
    if (config.keyNamespace().isEmpty()) {
      return;
    }
    Set<String> running = visibleBroadcasts().stream()
        .filter(b -> b.getStatus() == null || b.getStatus().getPhase() == null || !b.getStatus().getPhase().isFinished())
        .map(b -> b.getMetadata().getUid()).collect(Collectors.toSet());
    client.secrets().inNamespace(config.keyNamespace())
        .withLabel(Labels.COMPONENT, Labels.COMPONENT_AGENT_KEY).list().getItems().stream()
        .filter(s -> !running.contains(s.getMetadata().getLabels().get(Labels.BROADCAST_UID)))
        .forEach(s -> client.resource(s).delete());
  }

  private Pod createSender(ImageBroadcast broadcast, PortSlot slot, int attempt, int selectedNodes) {
    return createOrAdopt(pods.desired(broadcast, slot, attempt, selectedNodes), broadcast);
  }

  /**
   * Creates the object; if it exists already (a status patch lost after an earlier create) and
   * belongs to this broadcast, takes it as created.
   */
  private <T extends HasMetadata> T createOrAdopt(T desired, ImageBroadcast broadcast) {
    try {
      return client.resource(desired).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != ApiErrors.CONFLICT) {
        throw e;
      }
      T existing = client.resource(desired).get();
      if (existing == null || !Owners.isControlledBy(existing, broadcast)) {
        throw new IllegalStateException(desired.getKind() + " " + desired.getMetadata().getName()
            + " exists and does not belong to ImageBroadcast " + broadcast.getMetadata().getName(), e);
      }
      return existing;
    }
  }

  private static Optional<Instant> parse(String time) {
    try {
      return Optional.ofNullable(time).map(Instant::parse);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static String namespace(ImageBroadcast broadcast) {
    return broadcast.getMetadata().getNamespace();
  }
}
