package dev.broadband.operator.status;

/** The sender's session phase, as its /status endpoint reports it. */
public enum SenderPhase {
  WAITING,
  STREAMING,
  FINISHED,
  ABORTED;

  public boolean isOver() {
    return this == FINISHED || this == ABORTED;
  }
}
