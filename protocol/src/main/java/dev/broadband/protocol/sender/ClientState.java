package dev.broadband.protocol.sender;

/** A client as the sender sees it. */
public enum ClientState {
    JOINED, RECEIVING, VERIFYING, SUCCEEDED, FAILED, DROPPED;

    public boolean finished() {
        return this == SUCCEEDED || this == FAILED || this == DROPPED;
    }
}
