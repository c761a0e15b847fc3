package dev.broadband.operator.reconciler;

import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

import dev.broadband.api.ImageBroadcast;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Kubernetes Events on the ImageBroadcast, as `kubectl describe` shows them. */
public class EventRecorder {

  public static final String NORMAL = "Normal";
  public static final String WARNING = "Warning";
  public static final String COMPONENT = "broadband-operator";

  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
  private static final int MAX_MESSAGE = 1024;

  private final KubernetesClient client;
  private final Clock clock;

  public EventRecorder(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  public void record(ImageBroadcast broadcast, String type, String reason, String message) {
    String now = clock.instant().toString();
    String text = message == null ? "" : message;
    Event event = new EventBuilder()
        .withNewMetadata()
          .withNamespace(broadcast.getMetadata().getNamespace())
          .withName(broadcast.getMetadata().getName() + "."
              + Long.toHexString(ThreadLocalRandom.current().nextLong()).toLowerCase(Locale.ROOT))
        .endMetadata()
        .withNewInvolvedObject()
          .withApiVersion(broadcast.getApiVersion())
          .withKind(broadcast.getKind())
          .withName(broadcast.getMetadata().getName())
          .withNamespace(broadcast.getMetadata().getNamespace())
          .withUid(broadcast.getMetadata().getUid())
          .withResourceVersion(broadcast.getMetadata().getResourceVersion())
        .endInvolvedObject()
        .withType(type)
        .withReason(reason)
        .withMessage(text.length() > MAX_MESSAGE ? text.substring(0, MAX_MESSAGE) : text)
        .withFirstTimestamp(now)
        .withLastTimestamp(now)
        .withCount(1)
        .withNewSource().withComponent(COMPONENT).endSource()
        .withReportingComponent(ImageBroadcast.GROUP + "/operator")
        .withReportingInstance(System.getenv().getOrDefault("HOSTNAME", COMPONENT))
        .build();
    try {
      client.v1().events().inNamespace(broadcast.getMetadata().getNamespace()).resource(event).create();
    } catch (KubernetesClientException e) {
      // An Event is a courtesy: losing one must never fail the reconcile that reports it.
      LOG.warn("could not record event {} for {}: {}", reason, broadcast.getMetadata().getName(), e.getMessage());
    }
  }
}
