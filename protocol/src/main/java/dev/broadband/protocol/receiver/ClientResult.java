package dev.broadband.protocol.receiver;

/**
 * How a client's session ended: {@code ok} only when what it wrote hashed to the image's SHA-256;
 * {@code acknowledged} when the server confirmed it heard the outcome; {@code packetsDropped} the packets it threw
 * away unread: another session's, malformed, or failing the MAC.
 */
public record ClientResult(boolean ok, String message, long bytes, long packetsRequested, boolean acknowledged,
                           long packetsDropped) {}
