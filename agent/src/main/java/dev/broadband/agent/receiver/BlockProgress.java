package dev.broadband.agent.receiver;

/** What a receiver holds of each block, as the repair logic needs to know it. */
public interface BlockProgress {
    /** The next block at or after {@code from} that is not complete, or the block count when none is. */
    int nextIncomplete(int from);

    /**
     * What to ask for: the data packets the block lacks; with parity, a mask with one bit for every symbol it
     * still needs (any parity will do), so its bit count is what matters.
     */
    long missing(int block);
}
