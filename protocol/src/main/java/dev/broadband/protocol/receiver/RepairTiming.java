package dev.broadband.protocol.receiver;

/**
 * When a receiver asks for repairs: it looks every {@code tick}, asks for a block first after a backoff within a
 * window of {@code backoff} or more (so that the sender's repair, asked for by another receiver, can arrive
 * first and spare the NACK), and again every {@code repeat} while the block stays incomplete. Shared by the client
 * and the protocol simulator, so that what is simulated is what runs.
 */
public record RepairTiming(long tickNanos, long backoffNanos, long repeatNanos) {
    private static final long MS = 1_000_000L;

    public static final RepairTiming DEFAULT = new RepairTiming(10 * MS, 20 * MS, 150 * MS);

    /**
     * The backoff window among this many receivers: {@code backoff} up to 10, one more {@code backoff} for every
     * tenfold beyond. More receivers need more ticks to spread their first requests over, so that few fall in the
     * first; a small group keeps its short repair latency.
     */
    public long windowNanos(int receivers) {
        return (long) (backoffNanos * Math.max(1, Math.log10(receivers)));
    }
}
