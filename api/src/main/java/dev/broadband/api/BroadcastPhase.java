package dev.broadband.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Pending → Preparing → Waiting → Broadcasting → Verifying → Succeeded, or Failed from anywhere.
 * Serialized in Kubernetes' CamelCase phase style.
 */
public enum BroadcastPhase {
  /** Accepted; the sender pod is not running yet (scheduling, pulling, or queued for ports). */
  @JsonProperty("Pending") PENDING,
  /** The sender pod downloads the image and checks its sha256. */
  @JsonProperty("Preparing") PREPARING,
  /** The sender is up and waits for receivers to join. */
  @JsonProperty("Waiting") WAITING,
  /** Data is on the wire. */
  @JsonProperty("Broadcasting") BROADCASTING,
  /** Every receiver has all blocks and is checking what it wrote. */
  @JsonProperty("Verifying") VERIFYING,
  /** Every selected node verified the image. */
  @JsonProperty("Succeeded") SUCCEEDED,
  /** At least one selected node did not get the image, or the broadcast could not run. */
  @JsonProperty("Failed") FAILED;

  public boolean isFinished() {
    return this == SUCCEEDED || this == FAILED;
  }

  /** The name as it appears in the resource, e.g. "Broadcasting". */
  public String displayName() {
    String name = name();
    return name.charAt(0) + name.substring(1).toLowerCase(java.util.Locale.ROOT);
  }
}
