package dev.broadband.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Where one selected node is, as the sender sees its receiver. */
public enum NodePhase {
  /** Selected, but its receiver has not joined the session (yet). */
  @JsonProperty("Waiting") WAITING,
  @JsonProperty("Joined") JOINED,
  @JsonProperty("Receiving") RECEIVING,
  @JsonProperty("Verifying") VERIFYING,
  @JsonProperty("Succeeded") SUCCEEDED,
  @JsonProperty("Failed") FAILED,
  /** The sender stopped waiting for it (silent past dropTimeout). */
  @JsonProperty("Dropped") DROPPED;

  public boolean isFinished() {
    return this == SUCCEEDED || this == FAILED || this == DROPPED;
  }
}
