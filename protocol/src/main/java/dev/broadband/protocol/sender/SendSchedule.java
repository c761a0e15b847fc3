package dev.broadband.protocol.sender;

/**
 * What the sender puts on the wire next, at most a block's worth of packets at a time, so that NACKs are read and
 * statuses sent as often as when blocks went out whole: queued repairs, lowest block first, and the pass's run of
 * interleaved blocks where it left off, taking turns while both wait. The repairs a run's blocks need all come due
 * when it ends; sent back to back, the parity they cost to compute would stall the sender for longer than its
 * pacing lets it catch up on afterwards (so that the adaptive rate, capped near what went out, sinks), where
 * blocks sent whole had spread them out. The server and the simulator both follow it.
 */
public final class SendSchedule {
    private final Carousel carousel;
    private final int step;
    private Batch run;
    private int runAt;
    private Batch repair;
    private int repairAt;
    private Batch batch;
    private boolean repairLast;
    private int from;
    private int to;

    /** @param step the most packets to send before looking at feedback again */
    public SendSchedule(Carousel carousel, int step) {
        this.carousel = carousel;
        this.step = step;
    }

    /**
     * Chooses what to send next: packets {@link #from()} to {@link #to()} of {@link #batch()}.
     * @return false when there is nothing to send
     */
    public boolean next() {
        boolean runsTurn = repairLast && run != null;
        if (repair == null && !runsTurn) {
            repair = carousel.nextRepair();
            repairAt = 0;
        }
        repairLast = repair != null && !runsTurn;
        if (repairLast) {
            batch = repair;
            from = repairAt;
        } else {
            if (run == null) {
                run = carousel.nextRun();
                runAt = 0;
            }
            if (run == null) {
                return false;
            }
            batch = run;
            from = runAt;
        }
        to = Math.min(batch.packets(), from + step);
        return true;
    }

    /** So many of the packets chosen went out: all of them unless the sender stopped. */
    public void sent(int count) {
        if (batch == repair) {
            repairAt += count;
            if (repairAt == repair.packets()) {
                repair = null;
            }
        } else {
            runAt += count;
            if (runAt == run.packets()) {
                run = null;
            }
        }
    }

    public Batch batch() {
        return batch;
    }

    public int from() {
        return from;
    }

    public int to() {
        return to;
    }

    /** Nothing queued and nothing still going out: receivers may take every block as offered. */
    public boolean idle() {
        return run == null && repair == null && carousel.idle();
    }
}
