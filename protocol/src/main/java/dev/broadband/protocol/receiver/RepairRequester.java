package dev.broadband.protocol.receiver;

import dev.broadband.protocol.wire.BlockNeed;
import dev.broadband.protocol.wire.WireCodec;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Decides which lost packets to ask for, and when. A block becomes due once the carousel has offered it; the
 * first request waits a random backoff so that, among many receivers, the repair asked for by another (or the
 * sender's status announcing it) usually arrives first and the others keep quiet (suppression). The backoff is
 * sized to the group the sender counts, so that the NACKs for a block stay few however many receive it; a receiver
 * that sends a NACK anyway fills it with the blocks still in their backoff. A request that was not answered is
 * repeated.
 */
public final class RepairRequester {
    private static final int PER_PACKET = WireCodec.MAX_NEEDS_PER_PACKET;
    private final long[] askAt;
    /** Blocks asked for (or found covered) at least once: only those still in their first backoff ride along. */
    private final BitSet asked = new BitSet();
    private final RepairTiming timing;
    private final RandomGenerator random;
    private long suppressed;
    private long requested;

    public RepairRequester(int blockCount, RepairTiming timing, RandomGenerator random) {
        this.askAt = new long[blockCount];
        this.timing = timing;
        this.random = random;
    }

    /** Requests held back because the sender had already queued the repair. */
    public long suppressed() {
        return suppressed;
    }

    /** Packets (with parity: symbols) asked for so far. */
    public long requested() {
        return requested;
    }

    /** The block needs to ask for now, at most {@code max}. */
    public List<BlockNeed> due(long now, CarouselView view, BlockProgress blocks, int max) {
        List<BlockNeed> needs = new ArrayList<>();
        view.forEachSweptRange((from, to) -> {
            for (int b = blocks.nextIncomplete(from); b < to && needs.size() < max; b = blocks.nextIncomplete(b + 1)) {
                consider(b, now, view, blocks, needs);
            }
        });
        if (!needs.isEmpty()) {
            // A NACK goes out anyway: blocks still in their first backoff fill it for free, and the sooner the sender
            // hears of them, the sooner the repair that spares this receiver's next NACK and others' too.
            int room = Math.min(max, -Math.floorDiv(-needs.size(), PER_PACKET) * PER_PACKET);
            view.forEachSweptRange((from, to) -> {
                for (int b = blocks.nextIncomplete(from); b < to && needs.size() < room;
                        b = blocks.nextIncomplete(b + 1)) {
                    if (!asked.get(b) && askAt[b] > now) {
                        ask(b, now, view, blocks, needs);
                    }
                }
            });
        }
        return needs;
    }

    private void consider(int block, long now, CarouselView view, BlockProgress blocks, List<BlockNeed> needs) {
        if (askAt[block] == 0) {
            askAt[block] = now + 1 + backoff(view);
        } else if (now >= askAt[block]) {
            ask(block, now, view, blocks, needs);
        }
    }

    private void ask(int block, long now, CarouselView view, BlockProgress blocks, List<BlockNeed> needs) {
        asked.set(block);
        long missing = blocks.missing(block);
        askAt[block] = now + timing.repeatNanos();
        if (missing == 0) {
            return;
        }
        if (view.repairQueued(block, missing)) {
            suppressed++;
            return;
        }
        requested += Long.bitCount(missing);
        needs.add(new BlockNeed(block, missing));
    }

    /**
     * NORM's backoff (after Nonnenmacher and Biersack): a truncated exponential over the group's window with lambda =
     * ln(receivers) + 1, so that however many lost something in the block, only a few ask in the first tick
     * and the others mostly receive its repair before their turn.
     */
    private long backoff(CarouselView view) {
        int n = view.receivers();
        long window = timing.windowNanos(n);
        if (window == 0) {
            return 0;
        }
        double lambda = Math.log(n) + 1;
        return (long) (window * Math.log1p(random.nextDouble() * Math.expm1(lambda)) / lambda);
    }
}
