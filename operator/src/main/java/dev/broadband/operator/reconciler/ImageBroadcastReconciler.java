package dev.broadband.operator.reconciler;

import java.util.List;
import java.util.Objects;

import dev.broadband.api.ImageBroadcast;
import dev.broadband.operator.monitoring.OperatorMetrics;
import io.fabric8.kubernetes.api.model.Pod;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;

/**
 * The JOSDK entry point: runs a {@link BroadcastReconciliation} pass and turns its outcome into a
 * status patch (only when the status changed) and a requeue. Sender pod changes trigger a
 * reconcile through an informer; the sender's own progress is polled by requeueing.
 */
@ControllerConfiguration(name = ImageBroadcastReconciler.NAME)
public class ImageBroadcastReconciler implements Reconciler<ImageBroadcast> {

  public static final String NAME = "imagebroadcast";

  private final BroadcastReconciliation reconciliation;
  private final OperatorMetrics metrics;

  public ImageBroadcastReconciler(BroadcastReconciliation reconciliation, OperatorMetrics metrics) {
    this.reconciliation = reconciliation;
    this.metrics = metrics;
  }

  @Override
  public List<EventSource<?, ImageBroadcast>> prepareEventSources(EventSourceContext<ImageBroadcast> context) {
    var senderPods = InformerEventSourceConfiguration.from(Pod.class, ImageBroadcast.class)
        .withLabelSelector(Labels.MANAGED_SELECTOR + "," + Labels.COMPONENT + "=" + Labels.COMPONENT_SENDER)
        .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(ImageBroadcast.class))
        .withNamespacesInheritedFromController()
        .build();
    return List.of(new InformerEventSource<>(senderPods, context));
  }

  @Override
  public UpdateControl<ImageBroadcast> reconcile(ImageBroadcast broadcast, Context<ImageBroadcast> context) {
    metrics.reconciled();
    Outcome outcome = reconciliation.reconcile(broadcast);
    if (outcome.delete()) {
      // ttlSecondsAfterFinished ran out; owner references take the pod and Secret along.
      context.getClient().resource(broadcast).delete();
      return UpdateControl.noUpdate();
    }
    UpdateControl<ImageBroadcast> control;
    if (Objects.equals(outcome.status(), broadcast.getStatus())) {
      control = UpdateControl.noUpdate();
    } else {
      broadcast.setStatus(outcome.status());
      control = UpdateControl.patchStatus(broadcast);
    }
    outcome.requeueAfter().ifPresent(control::rescheduleAfter);
    return control;
  }

  @Override
  public ErrorStatusUpdateControl<ImageBroadcast> updateErrorStatus(ImageBroadcast broadcast,
      Context<ImageBroadcast> context, Exception e) {
    // JOSDK retries with backoff; the status keeps saying what was last known to be true.
    metrics.reconcileFailed();
    return ErrorStatusUpdateControl.noStatusUpdate();
  }
}
