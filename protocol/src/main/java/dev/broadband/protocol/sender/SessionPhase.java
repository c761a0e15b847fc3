package dev.broadband.protocol.sender;

/** The sender's session as its status endpoint reports it. */
public enum SessionPhase {
    WAITING, STREAMING, FINISHED, ABORTED
}
