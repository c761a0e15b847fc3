package dev.broadband.protocol.receiver;

/**
 * How long the receive loop lets datagrams gather in the socket buffer before it drains the buffer again. Every
 * wake-up is a context switch, and on a host running many receivers those switches, not the copies, are what
 * costs: waking every few milliseconds instead of every half millisecond cut the receivers' CPU by a fifth. The
 * pause is bounded by the socket buffer, so that at the arrival rate seen it fills to a quarter at most and the
 * rest absorbs a burst or a late wake-up.
 */
final class ReceivePacing {
    static final long MIN_PAUSE_NANOS = 200_000;
    static final long MAX_PAUSE_NANOS = 4_000_000;
    /** What one full-size datagram occupies in a socket buffer, kernel bookkeeping included (skb truesize). */
    static final int BUFFER_BYTES_PER_DATAGRAM = 2304;

    private final double quarterBufferPackets;
    private double packetsPerNano;
    private long windowStart;
    private long windowPackets;

    /** @param bufferBytes the data socket's receive buffer, or 0 when unbounded */
    ReceivePacing(int bufferBytes) {
        this.quarterBufferPackets = bufferBytes <= 0 ? Double.MAX_VALUE : bufferBytes / 4.0 / BUFFER_BYTES_PER_DATAGRAM;
    }

    /** The pause after a drain at {@code now} that took {@code drained} datagrams. */
    long pauseAfter(int drained, long now) {
        windowPackets += drained;
        if (windowStart == 0) {
            windowStart = now;
        } else if (now - windowStart >= MAX_PAUSE_NANOS) {
            // The rate over a few milliseconds: one drain that emptied a full buffer would make it look far higher.
            double rate = windowPackets / (double) (now - windowStart);
            // Smoothed, but quick to follow a rise: a rising rate is what could overflow the buffer.
            packetsPerNano = rate > packetsPerNano ? rate : 0.75 * packetsPerNano + 0.25 * rate;
            windowStart = now;
            windowPackets = 0;
        }
        if (packetsPerNano <= 0) {
            return MIN_PAUSE_NANOS;
        }
        double fill = quarterBufferPackets / packetsPerNano;
        return (long) Math.max(MIN_PAUSE_NANOS, Math.min(MAX_PAUSE_NANOS, fill));
    }
}
