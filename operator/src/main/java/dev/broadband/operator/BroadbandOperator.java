package dev.broadband.operator;

import java.time.Clock;

import dev.broadband.operator.monitoring.OperatorMetrics;
import dev.broadband.operator.reconciler.BroadcastReconciliation;
import dev.broadband.operator.reconciler.EventRecorder;
import dev.broadband.operator.reconciler.ImageBroadcastReconciler;
import dev.broadband.operator.reconciler.OperatorConfig;
import dev.broadband.operator.status.SenderStatusClient;
import dev.broadband.operator.status.StatusPoller;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;

/** Wires the operator together; the same wiring runs in production and in the end-to-end tests. */
public final class BroadbandOperator {

  private BroadbandOperator() {
  }

  public static Operator create(KubernetesClient client, OperatorConfig config,
      SenderStatusClient statusClient, OperatorMetrics metrics, Clock clock) {
    StatusPoller poller = new StatusPoller(statusClient, clock, config.pollInterval());
    BroadcastReconciliation reconciliation = new BroadcastReconciliation(client, config, poller,
        new EventRecorder(client, clock), metrics, clock);
    // Status is written with JSON patches, never server-side apply: the same code path then runs
    // against fabric8's mock API server in the tests, which has no SSA.
    Operator operator = new Operator(overrider -> {
      overrider.withKubernetesClient(client)
          .withUseSSAToPatchPrimaryResource(false)
          .withSSABasedCreateUpdateMatchForDependentResources(false)
          .withCloseClientOnStop(false);
      // Replicas watch alike, but only the Lease's holder reconciles: two would hand out the
      // same port slots. A leader that loses the Lease exits, and its pod is restarted.
      if (config.leaderElection() != null) {
        overrider.withLeaderElectionConfiguration(new LeaderElectionConfiguration(
            config.leaderElection().leaseName(), config.leaderElection().namespace()));
      }
    });
    operator.register(new ImageBroadcastReconciler(reconciliation, metrics), controller -> {
      if (config.namespaces().isEmpty()) {
        controller.watchingAllNamespaces();
      } else {
        controller.settingNamespaces(config.namespaces().toArray(String[]::new));
      }
    });
    return operator;
  }
}
