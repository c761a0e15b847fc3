package dev.broadband.operator.monitoring;

import dev.broadband.api.BroadcastPhase;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** The operator's own Prometheus metrics, served at /metrics next to the health probes. */
public final class OperatorMetrics {

  private final Counter reconciliations;
  private final Counter reconcileErrors;
  private final Counter phaseChanges;
  private final Counter senderRestarts;
  private final Counter statusPollErrors;

  public OperatorMetrics(PrometheusRegistry registry) {
    reconciliations = Counter.builder().name("broadband_operator_reconciliations_total")
        .help("ImageBroadcast reconciliations run").register(registry);
    reconcileErrors = Counter.builder().name("broadband_operator_reconcile_errors_total")
        .help("ImageBroadcast reconciliations that threw").register(registry);
    phaseChanges = Counter.builder().name("broadband_operator_phase_changes_total")
        .help("ImageBroadcasts entering a phase").labelNames("phase").register(registry);
    senderRestarts = Counter.builder().name("broadband_operator_sender_restarts_total")
        .help("Sender pods recreated after they died").register(registry);
    statusPollErrors = Counter.builder().name("broadband_operator_status_poll_errors_total")
        .help("Reads of a sender's status endpoint that failed").register(registry);
  }

  /** Metrics nobody reads, for tests and tools. */
  public static OperatorMetrics unregistered() {
    return new OperatorMetrics(new PrometheusRegistry());
  }

  public void reconciled() {
    reconciliations.inc();
  }

  public void reconcileFailed() {
    reconcileErrors.inc();
  }

  public void phaseEntered(BroadcastPhase phase) {
    phaseChanges.labelValues(phase.displayName()).inc();
  }

  public void senderRestarted() {
    senderRestarts.inc();
  }

  public void statusPollFailed() {
    statusPollErrors.inc();
  }
}
