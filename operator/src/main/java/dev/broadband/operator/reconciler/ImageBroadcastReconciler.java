package dev.broadband.operator.reconciler;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.broadband.api.ImageBroadcast;
import dev.broadband.api.ImageBroadcastStatus;
import dev.broadband.operator.monitoring.OperatorMetrics;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;

/**
 * The JOSDK entry point: runs a {@link BroadcastReconciliation} pass and turns its outcome into a
 * status write (only when the status changed) and a requeue. Sender pod changes trigger a
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
    if (!Objects.equals(outcome.status(), broadcast.getStatus())) {
      writeStatus(broadcast, outcome.status(), context);
    }
    UpdateControl<ImageBroadcast> control = UpdateControl.noUpdate();
    outcome.requeueAfter().ifPresent(control::rescheduleAfter);
    return control;
  }

  /**
   * The status is written with the resourceVersion this pass read, and the result is cached for
   * the next pass. A pass that read a stale copy so fails (409) instead of overwriting a newer
   * status (a finished broadcast moved back to Pending), and its retry reads the fresh one; and
   * the next pass never reads a copy older than this write.
   */
  private static void writeStatus(ImageBroadcast broadcast, ImageBroadcastStatus status,
      Context<ImageBroadcast> context) {
    var cloner = context.getControllerConfiguration().getConfigurationService().getResourceCloner();
    PrimaryUpdateAndCacheUtils.updateAndCacheResource(broadcast, context, cached -> {
      ImageBroadcast copy = cloner.clone(cached);
      copy.setStatus(status);
      return copy;
    }, copy -> context.getClient().resource(copy).updateStatus(), 0,
        PrimaryUpdateAndCacheUtils.DEFAULT_RESOURCE_CACHE_TIMEOUT_MILLIS,
        PrimaryUpdateAndCacheUtils.DEFAULT_RESOURCE_CACHE_POLL_PERIOD_MILLIS);
  }

  @Override
  public ErrorStatusUpdateControl<ImageBroadcast> updateErrorStatus(ImageBroadcast broadcast,
      Context<ImageBroadcast> context, Exception e) {
    // JOSDK retries with backoff. A stale read (409) is retried quietly; anything else the API
    // server refused (403 from admission or RBAC, 422) goes into the status and an Event.
    metrics.reconcileFailed();
    Optional<KubernetesClientException> refused = ApiErrors.refusal(e);
    if (refused.isEmpty() || refused.get().getCode() == ApiErrors.CONFLICT) {
      return ErrorStatusUpdateControl.noStatusUpdate();
    }
    boolean lastAttempt = context.getRetryInfo().map(RetryInfo::isLastAttempt).orElse(false);
    broadcast.setStatus(reconciliation.refused(broadcast, refused.get(), lastAttempt).status());
    return ErrorStatusUpdateControl.patchStatus(broadcast);
  }
}
