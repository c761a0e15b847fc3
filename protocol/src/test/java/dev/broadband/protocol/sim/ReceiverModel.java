package dev.broadband.protocol.sim;

import java.util.SplittableRandom;

/**
 * A receiving host as the sender's rate control meets it: a socket buffer of a fixed number of datagrams in front
 * of a process that takes them at its own pace, slow for a while after it starts (a JVM still compiling its receive
 * path) and at its steady pace after that, or stalled for a moment (a GC pause). Datagrams that find the buffer full
 * are dropped and counted, as the kernel counts them (RcvbufErrors); independently, a share of datagrams is lost on
 * the wire before the buffer. Time is given by the caller; the buffer drains as a fluid between calls.
 */
public final class ReceiverModel {
    /** What a 4 MiB buffer (this machine kind's net.core.rmem_max) holds of full-size datagrams. */
    public static final int DEFAULT_BUFFER_PACKETS = (4 << 20) / 2304;

    private final int bufferPackets;
    private final double slowPerNano;
    private final long slowUntil;
    private final double perNano;
    private final double wireLoss;
    private final SplittableRandom random;
    private long stallFrom = -1;
    private long stallUntil = -1;
    private double queued;
    private long last;
    private long overflowDrops;
    private long sent;
    private long lost;

    /**
     * @param slowPacketsPerSecond the pace until {@code slowUntilNanos}
     * @param packetsPerSecond the steady pace after that
     * @param wireLoss the share of datagrams lost on the wire, independently
     */
    public ReceiverModel(int bufferPackets, double slowPacketsPerSecond, long slowUntilNanos, double packetsPerSecond,
                         double wireLoss, SplittableRandom random) {
        this.bufferPackets = bufferPackets;
        this.slowPerNano = slowPacketsPerSecond / 1e9;
        this.slowUntil = slowUntilNanos;
        this.perNano = packetsPerSecond / 1e9;
        this.wireLoss = wireLoss;
        this.random = random;
    }

    /** The process takes nothing from {@code fromNanos} to {@code untilNanos}, as in a pause of the whole JVM. */
    public ReceiverModel stalled(long fromNanos, long untilNanos) {
        this.stallFrom = fromNanos;
        this.stallUntil = untilNanos;
        return this;
    }

    /**
     * {@code packets} datagrams reach the host at {@code now}.
     * @return how many of them went into the buffer; the others were lost on the wire or dropped for want of buffer
     */
    public int arrive(int packets, long now) {
        drain(now);
        int onTheWire = 0;
        for (int i = 0; i < packets; i++) {
            if (wireLoss == 0 || random.nextDouble() >= wireLoss) {
                onTheWire++;
            }
        }
        int room = (int) Math.max(0, Math.floor(bufferPackets - queued));
        int accepted = Math.min(room, onTheWire);
        queued += accepted;
        overflowDrops += onTheWire - accepted;
        sent += packets;
        lost += packets - accepted;
        return accepted;
    }

    private void drain(long now) {
        // The pace is constant between these instants; drain piece by piece.
        long t = last;
        while (t < now) {
            long next = now;
            for (long edge : new long[] {stallFrom, stallUntil, slowUntil}) {
                if (edge > t && edge < next) {
                    next = edge;
                }
            }
            queued = Math.max(0, queued - paceAt(t) * (next - t));
            t = next;
        }
        last = Math.max(last, now);
    }

    private double paceAt(long t) {
        if (t >= stallFrom && t < stallUntil) {
            return 0;
        }
        return t < slowUntil ? slowPerNano : perNano;
    }

    /** Datagrams dropped for want of buffer so far, as the kernel's counter: cumulative. */
    public long overflowDrops() {
        return overflowDrops;
    }

    /** Datagrams sent to this host so far, and those of them it did not get (wire loss and overflow). */
    public long sent() {
        return sent;
    }

    public long lost() {
        return lost;
    }
}
