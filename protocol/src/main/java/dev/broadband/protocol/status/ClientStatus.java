package dev.broadband.protocol.status;

/**
 * One client's line in the sender's status and final report; {@code name} is what it joined with (a node agent
 * joins with its node's name), {@code message} why it failed or was dropped, or what it verified.
 */
public record ClientStatus(String id, String name, String address, ClientState state, long bytesReceived,
                           long repairs, String message) {}
