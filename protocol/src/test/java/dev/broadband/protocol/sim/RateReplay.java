package dev.broadband.protocol.sim;

import dev.broadband.protocol.sender.RateController;
import java.util.List;

/**
 * Drives the sender's real {@link RateController} in virtual time against a link and receivers modelled by
 * {@link ReceiverModel}: datagrams go out as fast as the controller and the link allow (the sender always has
 * something to send), each receiver reports as a client does, every heartbeat interval with the datagrams its buffer
 * dropped since its last report and its loss in permille, and the controller ticks as the server's loop does.
 */
public final class RateReplay {
    /** One full-size datagram on the wire, headers included, as the sender paces it. */
    public static final int WIRE_BYTES = 1500;
    public static final long WINDOW_NANOS = 100_000_000L;
    private static final long STEP_NANOS = 50_000L;
    /** What the sender's NIC queue holds before a send blocks. */
    private static final double LINK_BURST_BYTES = 64 * 1024;

    /**
     * @param sentBps what went out in each window of {@link #WINDOW_NANOS}
     * @param rateBps the controller's rate at the end of each window
     * @param overflowDrops datagrams all receivers together dropped for want of buffer
     */
    public record Result(long[] sentBps, long[] rateBps, long overflowDrops, long packetsSent) {
        /** The least that went out in any window from {@code fromNanos} on. */
        public long minSentBpsFrom(long fromNanos) {
            long min = Long.MAX_VALUE;
            for (int w = (int) (fromNanos / WINDOW_NANOS); w < sentBps.length; w++) {
                min = Math.min(min, sentBps[w]);
            }
            return min;
        }

        /** The first instant from which every window sent at least {@code bps}; -1 if none. */
        public long sustainedFrom(long bps) {
            int w = sentBps.length;
            while (w > 0 && sentBps[w - 1] >= bps) {
                w--;
            }
            return w == sentBps.length ? -1 : w * WINDOW_NANOS;
        }
    }

    public static Result run(RateController rate, long linkBps, List<ReceiverModel> receivers, long durationNanos) {
        return run(rate, linkBps, linkBps, 0, receivers, durationNanos);
    }

    /**
     * A sender that manages only {@code coldBps} until {@code coldUntilNanos}, whatever the rate allows: its own code
     * still cold, its core shared with the receivers' start-up, as on a 2-core machine.
     */
    public static Result run(RateController rate, long linkBps, long coldBps, long coldUntilNanos,
                             List<ReceiverModel> receivers, long durationNanos) {
        int windows = (int) (durationNanos / WINDOW_NANOS);
        long[] sentBps = new long[windows];
        long[] rateBps = new long[windows];
        List<Heartbeats> heartbeats = Heartbeats.of(receivers);
        rate.begin(0);
        double linkBytes = LINK_BURST_BYTES;
        long windowBytes = 0;
        long packets = 0;
        long refusals = 0;
        boolean pending = false;
        for (long now = 0; now < (long) windows * WINDOW_NANOS; now += STEP_NANOS) {
            long sendable = now < coldUntilNanos ? Math.min(coldBps, linkBps) : linkBps;
            linkBytes = Math.min(LINK_BURST_BYTES, linkBytes + sendable * (STEP_NANOS / 8e9));
            int burst = 0;
            while (true) {
                if (!pending) {
                    if (rate.delayFor(WIRE_BYTES, now) != 0) {
                        break;
                    }
                    pending = true;
                }
                if (linkBytes < WIRE_BYTES) {
                    // The rate allowed a packet that did not go: the interface refused it, unless it is the cold
                    // sender's own CPU that held it.
                    if (now >= coldUntilNanos || linkBps <= coldBps) {
                        refusals++;
                    }
                    break;
                }
                linkBytes -= WIRE_BYTES;
                pending = false;
                burst++;
            }
            if (burst > 0) {
                for (ReceiverModel r : receivers) {
                    r.arrive(burst, now);
                }
                packets += burst;
                windowBytes += (long) burst * WIRE_BYTES;
            }
            for (int i = 0; i < heartbeats.size(); i++) {
                Heartbeats.Report report = heartbeats.get(i).poll(now);
                if (report != null) {
                    rate.onReceiverReport(i, report.newOverflowDrops(), report.lossPermille(), now);
                }
            }
            rate.tick(now, refusals);
            if ((now + STEP_NANOS) % WINDOW_NANOS == 0) {
                int w = (int) (now / WINDOW_NANOS);
                sentBps[w] = windowBytes * 8 * (1_000_000_000L / WINDOW_NANOS);
                rateBps[w] = rate.rateBps();
                windowBytes = 0;
            }
        }
        long drops = receivers.stream().mapToLong(ReceiverModel::overflowDrops).sum();
        return new Result(sentBps, rateBps, drops, packets);
    }
}
