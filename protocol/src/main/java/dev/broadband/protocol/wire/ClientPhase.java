package dev.broadband.protocol.wire;

/** Where a client is, as it reports itself in heartbeats. */
public enum ClientPhase {
    RECEIVING, VERIFYING, SUCCEEDED, FAILED
}
