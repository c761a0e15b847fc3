package dev.broadband.operator.reconciler;

import java.time.Duration;
import java.util.Optional;

import dev.broadband.api.ImageBroadcastStatus;

/**
 * What one reconcile decided: the status to write, when to look again, or that the resource's
 * time to live ran out and it is to be deleted.
 */
public record Outcome(ImageBroadcastStatus status, Optional<Duration> requeueAfter, boolean delete) {

  public static Outcome update(ImageBroadcastStatus status, Duration requeueAfter) {
    return new Outcome(status, Optional.ofNullable(requeueAfter), false);
  }

  public static Outcome deleteNow() {
    return new Outcome(null, Optional.empty(), true);
  }
}
