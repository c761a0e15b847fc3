package dev.broadband.protocol.sender;

import dev.broadband.protocol.wire.ControlMessage.Heartbeat;
import java.util.HashMap;
import java.util.Map;

/**
 * Paces the sender: a token bucket at the current rate, and, unless the user fixed the rate, a search for the rate
 * that the slowest receiver and the link take, which it then holds.
 *
 * <p>Only a receiver's own word that it could not keep up slows the sender: its socket buffer overflowed (more than
 * a hiccup's worth), or it lost an unusual share of packets; and not once only at a rate it took before, which is a
 * stall of that receiver ({@link #CONFIRM_NANOS}). Random loss on the wire is repaired, not slowed for
 * (an equation-based controller such as TFMCC's reads 1 % random loss as congestion and settles at a small fraction
 * of a LAN). Nor does the sender's own shortfall lower the rate: a window in which it sent less than the rate allowed
 * (its code still cold, its core shared with receivers, parity to compute) says nothing about the receivers.
 *
 * <p>A back-off keeps {@link #BACKOFF} of what actually reached the receiver that complained (what went out, less the
 * share it reports lost, up to half), so it bites at once, also after an overshoot into a switch that drops what it
 * cannot pass instead of pushing back on the sender's interface. Reports that still tell of the rate before a back-off
 * ({@link #REACTION_NANOS}) do not count again, so one stall of a receiver is one back-off per reaction time, not one
 * per report. While reports keep saying overflow the rate steps down; once they stop for a heartbeat interval, the rate
 * climbs back to the one it had before the back-offs within {@link #RECOVERY_NANOS}: a receiver that was slow for a
 * moment (a cold start, a GC pause) costs that moment, not the session. Overflow while climbing back marks a lower rate
 * to return to next time, so a receiver that is simply slower settles the rate just under what it takes. With nothing
 * against it, the rate probes upward while the sender keeps up with it: gently near a rate that once was too much,
 * doubling every window at the start and further above it (a slow start, as TCP's: growing by a quarter, the ramp from
 * 400 Mbit/s to a 1 Gbit/s link took 0.5 s and cost 0.25 s of a 3 s transfer). It probes upward too while the sender
 * falls short of it but its interface took everything (no send refused for want of buffer) and the rate held it back
 * (it waited for tokens): a sender that shares its cores with others sends in bursts after each wait for a core, and
 * a higher rate lets those bursts grow. Ten receivers on the sender's 2 cores leave it too little CPU for the rate to
 * pace it at all (it waited for tokens in none of 108 windows), so there the rate holds where it is.
 */
public final class RateController {
    static final double BACKOFF = 0.85;
    /**
     * A back-off follows a reported loss share up to half: a receiver that stalled a moment (a core taken by others, a
     * GC pause) reports nearly all lost though it takes the rate once it runs, and followed all the way, four
     * receivers on 2 cores left the rate at 41 Mbit/s for the end of a transfer. An overshoot further above what a
     * switch passes takes a second back-off.
     */
    static final int MAX_LOSS_PERMILLE_FOLLOWED = 500;
    /** Fewer datagrams dropped for want of buffer in one report are a scheduling hiccup, not a sign to slow down. */
    static final long CONGESTION_DROPS = 32;
    /** Loss above this share is taken as congestion even without overflow counters. */
    static final int CONGESTION_LOSS_PERMILLE = 100;
    static final long WINDOW_NANOS = 100_000_000L;
    /** A report covers the heartbeat interval before it, and what a receiver hears waits in its buffer meanwhile. */
    static final long REACTION_NANOS = Heartbeat.INTERVAL_NANOS * 3 / 2;
    /** Reports clean for this long: the receiver that overflowed has reported since, and kept up. */
    static final long QUIET_NANOS = Heartbeat.INTERVAL_NANOS * 5 / 4;
    static final long RECOVERY_NANOS = 500_000_000L;
    /**
     * A receiver that reports congestion at a rate it reported clean before is stalled (a core taken by others, a GC
     * pause), and what it dropped is repaired anyway; only when it says so again within this time, in its next report
     * or the one after, does it count. Taken at their word, two receivers' stalls in a four-receiver transfer (3858 and
     * 3017 datagrams repaired, none for the other two) cut the rate from 1.6 Gbit/s to 267 Mbit/s, and the sender
     * still sent 245 Mbit/s two seconds later. A receiver that became slower than a rate it took pays one report's
     * overflow; a rate above what a receiver ever took (the start, an overshoot, a slow receiver's limit) still backs
     * off at its first report, since waiting a report there, while the start doubles the rate every window, cost
     * four times the overflow.
     */
    static final long CONFIRM_NANOS = Heartbeat.INTERVAL_NANOS * 5 / 2;
    /** Windows of steady sending differ by a few per cent: within this, a receiver took the rate that went out. */
    static final double TOOK_MARGIN = 1.05;
    /**
     * Growth per window while the sender keeps up with the rate, before the first back-off and far above the rate that
     * once was too much; near that rate, {@link #PROBE_GROWTH}.
     */
    static final double START_GROWTH = 1.0;
    static final double PROBE_GROWTH = 0.10;
    /**
     * Growth per window of a sender that fell short of the rate while its interface took everything, and that the
     * rate held back in its bursts. Doubling there too, four receivers on the sender's 2 cores took the rate to its
     * 10 Gbit/s ceiling within a second.
     */
    static final double BURST_GROWTH = 0.25;
    /**
     * A sender short of its rate grows it only when it waited for tokens at least 1/HELD_BACK_SHARE of the window:
     * otherwise its bursts end for want of a core, not of tokens, and a higher rate lets nothing grow. Without this,
     * the rate rose to its 10 Gbit/s ceiling within seconds of a four-receiver transfer ("sending 173 Mbit/s, cap
     * 10.00 Gbit/s"), a cap that no longer says anything; with ten receivers the sender waited for tokens in none of
     * 108 windows at 400 Mbit/s, sending 50-290 Mbit/s.
     */
    static final int HELD_BACK_SHARE = 10;
    /**
     * Probing this far above the rate that once was too much, the sender is past what that back-off said: a receiver
     * cold for a moment at start-up had set it at a fraction of the link, and gentle probing from there took seconds
     * to reach a jumbo-frame link's 3 Gbit/s.
     */
    static final double NEAR_RETURN = 1.5;
    /**
     * Where the interface cannot tell that it is full, the rate grows only while the sender sends at least 1/HEADROOM
     * of it (the link or the host may be slower).
     */
    static final double HEADROOM = 1.25;
    private static final long BURST_BYTES = 96 * 1024;
    /**
     * At high rates the bucket holds this long a stretch of sending instead: a sender woken later than that from its
     * wait for tokens loses the excess, and at 3 Gbit/s 96 KiB is 260 us, less than a wake-up takes on a busy core.
     */
    static final long BURST_NANOS = 1_000_000L;
    /**
     * While the sender is busy, the bucket keeps this much more: the time it lost to a late wake-up or a preemption
     * (milliseconds on a core shared with receivers) is sent after, not forfeited. With only the burst kept, a sender
     * woken 2 ms late sent one 64 KiB segmented send per wake-up, a third of its rate, and the rate never grew since
     * the sender seemed not to keep up with it. Bounded in bytes too, so that the catch-up, which leaves at line
     * rate, fits a receiver's socket buffer.
     */
    static final long CATCH_UP_NANOS = 10_000_000L;
    static final long CATCH_UP_BYTES = 1024 * 1024;

    /**
     * A back-off starts from the most that went out in this many windows, as long as a report and what waited in the
     * receiver's buffer before it. A stall of the whole machine (the receivers overflowed while the sender too got
     * little CPU) leaves a window of little sent: starting from that one, the back-off set 242 Mbit/s as the rate to
     * climb back to, for four receivers that had taken 1 Gbit/s.
     */
    static final int RECENT_WINDOWS = (int) ((REACTION_NANOS + Heartbeat.INTERVAL_NANOS) / WINDOW_NANOS);

    private enum Phase { PROBING, HOLDING, RECOVERING }

    private final boolean adaptive;
    private final long ceilingBps;
    private final long floorBps;
    private double rateBps;
    private double tokens = BURST_BYTES;
    private long lastRefill;
    /** The sender had nothing to send since the last refill: the time passed was not lost to it. */
    private boolean idleSinceRefill;
    private Phase phase = Phase.PROBING;
    /** The rate to climb back to after back-offs; 0 before the first. */
    private double returnBps;
    private double recoverFromBps;
    private long lastBackoff = Long.MIN_VALUE / 2;
    private long lastCongested = Long.MIN_VALUE / 2;
    private final Map<Long, Seen> receivers = new HashMap<>();

    /** What one receiver's reports said. */
    private static final class Seen {
        /** The most that went out over one of its clean reports since it last could not keep up. */
        double tookBps;
        long congestedAt = Long.MIN_VALUE / 2;
    }
    /**
     * What went out in each of the last {@link #RECENT_WINDOWS} windows in which the sender always had something to
     * send, oldest overwritten first; 0 where there was none.
     */
    private final double[] recentBps = new double[RECENT_WINDOWS];
    private int recentNext;
    private long windowStart;
    private long windowBytes;
    private boolean idleInWindow;
    /** How long the rate made the sender wait for tokens in this window. */
    private long heldBackNanos;
    /** The interface's count of refused sends when the window began; -1 when unknown. */
    private long refusalsAtWindowStart = -1;

    private RateController(boolean adaptive, long startBps, long ceilingBps, long now) {
        this.adaptive = adaptive;
        this.ceilingBps = ceilingBps;
        this.floorBps = Math.max(1_000_000L, ceilingBps / 1000);
        this.rateBps = startBps;
        this.lastRefill = now;
        this.windowStart = now;
    }

    /** A fixed cap: what the user gave with --rate. */
    public static RateController fixed(long bps, long now) {
        return new RateController(false, bps, bps, now);
    }

    /** Adapts between a floor and {@code ceilingBps}, starting at {@code startBps}. */
    public static RateController adaptive(long startBps, long ceilingBps, long now) {
        return new RateController(true, Math.min(startBps, ceilingBps), ceilingBps, now);
    }

    /** Nanoseconds to wait before {@code bytes} may go out; 0 when they may go now (and are then accounted). */
    public long delayFor(int bytes, long now) {
        refill(now);
        if (tokens >= bytes) {
            tokens -= bytes;
            windowBytes += bytes;
            return 0;
        }
        long delay = (long) Math.ceil((bytes - tokens) * 8e9 / rateBps);
        heldBackNanos += delay;
        return delay;
    }

    private void refill(long now) {
        long elapsed = now - lastRefill;
        if (elapsed > 0) {
            double burst = Math.max(BURST_BYTES, BURST_NANOS * rateBps / 8e9);
            double catchUp = Math.min(CATCH_UP_BYTES, CATCH_UP_NANOS * rateBps / 8e9);
            double depth = idleSinceRefill ? burst : Math.max(burst, catchUp);
            tokens = Math.min(depth, tokens + elapsed * rateBps / 8e9);
            lastRefill = now;
            idleSinceRefill = false;
        }
    }

    /**
     * A receiver's report: how many datagrams its socket dropped since its last report, and its recent loss.
     * @param receiver which receiver reports, the same for all its reports
     */
    public void onReceiverReport(long receiver, long newOverflowDrops, int lossPermille, long now) {
        if (!adaptive) {
            return;
        }
        Seen seen = receivers.computeIfAbsent(receiver, id -> new Seen());
        double lately = overLastReport();
        if (newOverflowDrops < CONGESTION_DROPS && lossPermille <= CONGESTION_LOSS_PERMILLE) {
            seen.tookBps = Math.max(seen.tookBps, lately);
            return;
        }
        boolean again = now - seen.congestedAt <= CONFIRM_NANOS;
        seen.congestedAt = now;
        if (!again && seen.tookBps > 0 && lately <= seen.tookBps * TOOK_MARGIN) {
            return;
        }
        seen.tookBps = 0;
        lastCongested = now;
        if (now - lastBackoff < REACTION_NANOS) {
            return;
        }
        double wentOut = wentOut(now);
        if (phase != Phase.HOLDING) {
            // Probing or climbing back, the receivers could not take this: next time, climb back to it, no higher.
            returnBps = wentOut;
        }
        phase = Phase.HOLDING;
        double arrived = wentOut * (1000 - Math.min(lossPermille, MAX_LOSS_PERMILLE_FOLLOWED)) / 1000.0;
        rateBps = Math.max(floorBps, arrived * BACKOFF);
        lastBackoff = now;
    }

    /**
     * What went out lately: the most of the recent whole windows in which the sender was busy and of the window under
     * way once long enough to tell, at most the rate. The window under way counts because the whole ones may be older
     * than a change of pace (a sender that just warmed up), and a back-off from them would return to a rate nobody
     * refused.
     */
    private double wentOut(long now) {
        long elapsed = now - windowStart;
        double sent = elapsed >= WINDOW_NANOS / 4 ? windowBytes * 8e9 / elapsed : 0;
        for (double bps : recentBps) {
            sent = Math.max(sent, bps);
        }
        return sent > 0 ? Math.min(rateBps, sent) : rateBps;
    }

    /** What went out over a report's interval: the lesser of the last two busy windows, 0 before there were two. */
    private double overLastReport() {
        return Math.min(recentBps[(recentNext + RECENT_WINDOWS - 1) % RECENT_WINDOWS],
                recentBps[(recentNext + RECENT_WINDOWS - 2) % RECENT_WINDOWS]);
    }

    /**
     * Streaming starts now. The time before, spent waiting for clients, was no window of sending: counted as one,
     * it had pulled the rate down to its floor with the first tick, and a transfer began at 10 Mbit/s.
     */
    public void begin(long now) {
        lastRefill = now;
        startWindow(now, -1);
    }

    /** The sender had nothing to send for a moment: what goes out meanwhile says nothing of what could. */
    public void idle() {
        idleInWindow = true;
        idleSinceRefill = true;
    }

    /**
     * Called while sending; once per window it moves the rate as the class comment says.
     * @param sendRefusals sends the interface refused so far for want of buffer, or -1 when it cannot tell
     */
    public void tick(long now, long sendRefusals) {
        long elapsed = now - windowStart;
        if (!adaptive || elapsed < WINDOW_NANOS) {
            return;
        }
        double achieved = windowBytes * 8e9 / elapsed;
        boolean interfaceTookAll = sendRefusals >= 0 && refusalsAtWindowStart == sendRefusals;
        if (!idleInWindow) {
            recentBps[recentNext] = achieved;
            recentNext = (recentNext + 1) % RECENT_WINDOWS;
        }
        if (phase == Phase.HOLDING && now - lastCongested >= QUIET_NANOS) {
            phase = Phase.RECOVERING;
            recoverFromBps = rateBps;
        }
        if (phase == Phase.RECOVERING) {
            rateBps = Math.min(returnBps, rateBps + (returnBps - recoverFromBps) * elapsed / RECOVERY_NANOS);
            if (rateBps >= returnBps) {
                phase = Phase.PROBING;
            }
        } else if (phase == Phase.PROBING && !idleInWindow) {
            boolean keptUp = achieved * HEADROOM >= rateBps;
            boolean near = returnBps > 0 && rateBps < returnBps * NEAR_RETURN;
            boolean heldBack = heldBackNanos * HELD_BACK_SHARE >= elapsed;
            if (keptUp || (interfaceTookAll && heldBack)) {
                double growth = near ? PROBE_GROWTH : keptUp ? START_GROWTH : BURST_GROWTH;
                rateBps = Math.min(ceilingBps, rateBps * (1 + growth));
            }
        }
        startWindow(now, sendRefusals);
    }

    private void startWindow(long now, long sendRefusals) {
        windowStart = now;
        refusalsAtWindowStart = sendRefusals;
        windowBytes = 0;
        idleInWindow = false;
        heldBackNanos = 0;
    }

    public long rateBps() {
        return (long) rateBps;
    }

    public boolean adaptive() {
        return adaptive;
    }
}
