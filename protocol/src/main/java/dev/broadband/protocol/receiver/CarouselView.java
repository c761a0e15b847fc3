package dev.broadband.protocol.receiver;

import dev.broadband.protocol.wire.BlockNeed;
import dev.broadband.protocol.wire.ControlMessage.SenderStatus;
import java.util.HashMap;
import java.util.Map;

/**
 * What a receiver knows of the sender's carousel from its status packets: which blocks have been offered since
 * this receiver joined (so a packet it lacks there was lost, not merely not yet sent), and which repairs the sender
 * has already queued (so it need not ask for them).
 */
public final class CarouselView {
    private final int blockCount;
    private final int firstSeq;
    private final boolean parity;
    private boolean started;
    private boolean everythingSwept;
    private int lastSeq = -1;
    private int startPass;
    private int startFrontier;
    private int pass;
    private int frontier;
    private int receivers = 1;
    private Map<Integer, Long> queued = Map.of();

    /**
     * @param firstSeq the first status sequence number sent after the sender admitted this receiver
     * @param parity whether repairs are parity packets, so that any queued ones serve, or the lost packets themselves
     */
    public CarouselView(int blockCount, int firstSeq, boolean parity) {
        this.blockCount = blockCount;
        this.firstSeq = firstSeq;
        this.parity = parity;
    }

    public void onStatus(SenderStatus status) {
        if (status.seq() - firstSeq < 0 || (lastSeq >= 0 && status.seq() - lastSeq <= 0)) {
            return;
        }
        lastSeq = status.seq();
        if (!started) {
            started = true;
            startPass = status.pass();
            startFrontier = status.frontier();
        }
        pass = status.pass();
        frontier = status.frontier();
        receivers = Math.max(1, status.receivers());
        if (status.idle() || pass - startPass >= 2) {
            everythingSwept = true;
        }
        Map<Integer, Long> repairs = new HashMap<>();
        for (BlockNeed need : status.queuedRepairs()) {
            repairs.put(need.block(), need.mask());
        }
        queued = repairs;
    }

    /** Calls {@code range} for each run [from, to) of blocks offered since this receiver joined. */
    void forEachSweptRange(RangeConsumer range) {
        if (everythingSwept) {
            range.accept(0, blockCount);
        } else if (!started) {
            return;
        } else if (pass == startPass) {
            range.accept(startFrontier, frontier);
        } else {
            range.accept(startFrontier, blockCount);
            range.accept(0, Math.min(frontier, startFrontier));
        }
    }

    /** Receivers still asking for repairs, this one included, as the sender last counted them. */
    int receivers() {
        return receivers;
    }

    boolean repairQueued(int block, long missing) {
        Long mask = queued.get(block);
        if (mask == null) {
            return false;
        }
        return parity ? Long.bitCount(mask) >= Long.bitCount(missing) : (missing & ~mask) == 0;
    }

    @FunctionalInterface
    interface RangeConsumer {
        void accept(int from, int to);
    }
}
