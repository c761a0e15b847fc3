package dev.broadband.protocol.status;

/** A client as the sender sees it. */
public enum ClientState {
    JOINED, RECEIVING, VERIFYING, SUCCEEDED, FAILED, DROPPED;

    public boolean isDone() {
        return this == SUCCEEDED || this == FAILED || this == DROPPED;
    }

    /** Has all the data: checking it, or done one way or the other. */
    public boolean isVerifyingOrDone() {
        return this == VERIFYING || isDone();
    }
}
