package dev.broadband.agent.receiver;

/**
 * How a client's session ended: {@code ok} only when what it wrote hashed to the image's SHA-256;
 * {@code acknowledged} when the server confirmed it heard the outcome.
 */
public record ClientResult(boolean ok, String message, long bytes, long packetsRequested, boolean acknowledged) {}
