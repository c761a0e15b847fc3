package dev.broadband.agent.sender;

/**
 * Paces the sender: a token bucket at the current rate, and, unless the user fixed the rate, steady increase
 * while receivers keep up and multiplicative decrease when one reports that its socket buffer overflowed (more than
 * a hiccup's worth) or that it lost an unusual share of packets. Random loss on the wire (a few percent) is
 * repaired, not slowed for.
 */
public final class RateController {
    static final double DECREASE = 0.85;
    /** Fewer datagrams dropped for want of buffer in one report are a scheduling hiccup, not a sign to slow down. */
    static final long CONGESTION_DROPS = 32;
    static final long ADJUST_INTERVAL_NANOS = 100_000_000L;
    /** Loss above this share is taken as congestion even without overflow counters. */
    static final int CONGESTION_LOSS_PERMILLE = 100;
    private static final long BURST_BYTES = 96 * 1024;
    /** How far the rate may run ahead of what actually went out (the link or the host may be slower). */
    static final double HEADROOM = 1.25;
    /** Growth per interval as a share of the current rate, so that recovery after a back-off takes a second or so. */
    static final double GROWTH = 0.05;

    private final boolean adaptive;
    private final long ceilingBps;
    private final long floorBps;
    private final long stepBps;
    private double rateBps;
    private double tokens = BURST_BYTES;
    private long lastRefill;
    private long lastDecrease;
    private long lastIncrease;
    private long windowStart;
    private long windowBytes;
    private boolean idleInWindow;

    private RateController(boolean adaptive, long startBps, long ceilingBps, long now) {
        this.adaptive = adaptive;
        this.ceilingBps = ceilingBps;
        this.floorBps = Math.max(1_000_000L, ceilingBps / 1000);
        this.stepBps = Math.max(1_000_000L, ceilingBps / 100);
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
        return (long) Math.ceil((bytes - tokens) * 8e9 / rateBps);
    }

    private void refill(long now) {
        long elapsed = now - lastRefill;
        if (elapsed > 0) {
            tokens = Math.min(BURST_BYTES, tokens + elapsed * rateBps / 8e9);
            lastRefill = now;
        }
    }

    /** A receiver's report: how many datagrams its socket dropped since its last report, and its recent loss. */
    public void onReceiverReport(long newOverflowDrops, int lossPermille, long now) {
        if (!adaptive) {
            return;
        }
        boolean congested = newOverflowDrops >= CONGESTION_DROPS || lossPermille > CONGESTION_LOSS_PERMILLE;
        if (congested && now - lastDecrease > ADJUST_INTERVAL_NANOS) {
            rateBps = Math.max(floorBps, rateBps * DECREASE);
            lastDecrease = now;
            lastIncrease = now;
        }
    }

    /**
     * Streaming starts now. The time before, spent waiting for clients, was no window of sending: counted as one,
     * it had pulled the rate down to its floor with the first tick, and a transfer began at 10 Mbit/s.
     */
    public void begin(long now) {
        lastRefill = now;
        startWindow(now);
    }

    /** The sender had nothing to send for a moment: what goes out meanwhile says nothing of what could. */
    public void idle() {
        idleInWindow = true;
    }

    /**
     * Called while sending: raises the rate a step per interval since the last decrease, but never far above what
     * actually went out while the sender was busy, so that a decrease takes effect at once rather than first eating
     * unused headroom. A window with idle time is not held against the rate: waiting for repairs to be asked is
     * not a slow link, and clamping there sank the rate after every lull. Nor does one slow window cut deeper than
     * a back-off: a sender busy elsewhere for a moment (its code still cold, or another process on its core) would
     * otherwise start over from a fraction of the rate.
     */
    public void tick(long now) {
        if (!adaptive || now - lastIncrease <= ADJUST_INTERVAL_NANOS) {
            return;
        }
        double achieved = windowBytes * 8e9 / Math.max(1, now - windowStart);
        double raised = Math.min(ceilingBps, rateBps + Math.max(stepBps, rateBps * GROWTH));
        if (!idleInWindow && raised > achieved * HEADROOM) {
            raised = Math.max(floorBps, Math.max(rateBps * DECREASE, achieved * HEADROOM));
        }
        rateBps = raised;
        startWindow(now);
    }

    private void startWindow(long now) {
        lastIncrease = now;
        windowStart = now;
        windowBytes = 0;
        idleInWindow = false;
    }

    public long rateBps() {
        return (long) rateBps;
    }

    public boolean adaptive() {
        return adaptive;
    }
}
