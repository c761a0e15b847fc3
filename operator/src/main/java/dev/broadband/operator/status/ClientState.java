package dev.broadband.operator.status;

/** One receiver's state, as the sender's /status endpoint reports it. */
public enum ClientState {
  JOINED,
  RECEIVING,
  VERIFYING,
  SUCCEEDED,
  FAILED,
  DROPPED;

  /** Has all the data: checking it, or done one way or the other. */
  public boolean isVerifyingOrDone() {
    return this == VERIFYING || isDone();
  }

  public boolean isDone() {
    return this == SUCCEEDED || this == FAILED || this == DROPPED;
  }
}
