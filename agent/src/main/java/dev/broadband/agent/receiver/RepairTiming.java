package dev.broadband.agent.receiver;

/**
 * When a receiver asks for repairs: it looks every {@code tick}, asks for a block first after a random backoff of
 * up to {@code backoff} (so the sender's announcement of the same repair can arrive first and spare the NACK), and
 * again every {@code repeat} while the block stays incomplete. Shared by the client and the protocol simulator, so
 * that what is simulated is what runs.
 */
public record RepairTiming(long tickNanos, long backoffNanos, long repeatNanos) {
    private static final long MS = 1_000_000L;

    public static final RepairTiming DEFAULT = new RepairTiming(10 * MS, 20 * MS, 150 * MS);
}
