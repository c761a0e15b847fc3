package dev.broadband.protocol.receiver;

/** What a receiver holds of each block, as the repair logic needs to know it. */
public interface BlockProgress {
    /** The next block at or after {@code from} that is not complete, or the block count when none is. */
    int nextIncomplete(int from);

    /**
     * What to ask for: the data packets the block lacks; with parity, a mask with one bit for every symbol it
     * still needs (any parity will do), so its bit count is what matters.
     */
    long missing(int block);

    /**
     * The parity form of a request: with {@code held} parity packets in hand for a block lacking the data packets
     * in {@code lacking}, a mask of as many of them as symbols are still needed.
     */
    static long stillNeeded(long lacking, int held) {
        int needed = Long.bitCount(lacking) - held;
        long mask = 0;
        for (long rest = lacking; needed > 0 && rest != 0; rest &= rest - 1, needed--) {
            mask |= Long.lowestOneBit(rest);
        }
        return mask;
    }
}
