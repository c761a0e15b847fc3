package dev.broadband.operator.reconciler;

import dev.broadband.api.ImageBroadcast;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;

/**
 * Owner references make Kubernetes' garbage collector delete the sender pod and the key Secret
 * with their ImageBroadcast, so no finalizer is needed: deleting a broadcast never waits on the
 * operator being up.
 */
public final class Owners {

  private Owners() {
  }

  public static OwnerReference controlledBy(ImageBroadcast broadcast) {
    return new OwnerReferenceBuilder()
        .withApiVersion(broadcast.getApiVersion())
        .withKind(broadcast.getKind())
        .withName(broadcast.getMetadata().getName())
        .withUid(broadcast.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }

  public static boolean isControlledBy(HasMetadata object, ImageBroadcast broadcast) {
    return object.getMetadata().getOwnerReferences().stream()
        .anyMatch(ref -> Boolean.TRUE.equals(ref.getController())
            && broadcast.getMetadata().getUid().equals(ref.getUid()));
  }
}
