package dev.broadband.agent.receiver;

import dev.broadband.agent.wire.BlockNeed;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Decides which lost packets to ask for, and when. A block becomes due once the carousel has offered it; the
 * first request waits a random backoff so that, among many receivers, the sender's status announcing the repair
 * usually arrives first and the others keep quiet (suppression). A request that was not answered is repeated.
 */
public final class RepairRequester {
    private final long[] askAt;
    private final long backoffNanos;
    private final long repeatNanos;
    private final RandomGenerator random;
    private long suppressed;
    private long requested;

    public RepairRequester(int blockCount, long backoffNanos, long repeatNanos, RandomGenerator random) {
        this.askAt = new long[blockCount];
        this.backoffNanos = backoffNanos;
        this.repeatNanos = repeatNanos;
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
        return needs;
    }

    private void consider(int block, long now, CarouselView view, BlockProgress blocks, List<BlockNeed> needs) {
        if (askAt[block] == 0) {
            askAt[block] = now + 1 + (backoffNanos > 0 ? random.nextLong(backoffNanos) : 0);
            return;
        }
        if (now < askAt[block]) {
            return;
        }
        long missing = blocks.missing(block);
        askAt[block] = now + repeatNanos;
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
}
