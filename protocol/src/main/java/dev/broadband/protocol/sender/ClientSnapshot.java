package dev.broadband.protocol.sender;

/** One client's line in the sender's status and final report. */
public record ClientSnapshot(String id, String name, String address, ClientState state, long bytesReceived,
                             long repairs, String message) {}
