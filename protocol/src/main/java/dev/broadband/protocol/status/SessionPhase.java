package dev.broadband.protocol.status;

/** The sender's session, as its status endpoint reports it. */
public enum SessionPhase {
    WAITING, STREAMING, FINISHED, ABORTED;

    public boolean isOver() {
        return this == FINISHED || this == ABORTED;
    }
}
