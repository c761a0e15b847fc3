package dev.broadband.protocol.sim;

import java.util.SplittableRandom;

/**
 * Which packets one receiver loses, as alternating runs of received and lost packets (Gilbert–Elliott with a
 * loss-free good state and an all-loss bad state). Independent loss is the case of bad runs one packet long.
 * Drawing run lengths instead of one coin per packet keeps a simulation of 100 receivers and 100 GB fast.
 */
final class LossProcess {
    private final SplittableRandom random;
    private final double goodLeave;
    private final double badLeave;
    private boolean bad;
    private long left;

    /**
     * @param loss mean share of packets lost
     * @param meanBurst mean number of packets in a run of losses (1 for independent loss)
     */
    LossProcess(double loss, double meanBurst, SplittableRandom random) {
        this.random = random;
        this.badLeave = 1 / meanBurst;
        // Mean good run G with loss = B / (G + B): G = B (1 - loss) / loss; a good run may be empty.
        double meanGood = meanBurst * (1 - loss) / loss;
        this.goodLeave = 1 / (meanGood + 1);
        this.left = loss <= 0 ? Long.MAX_VALUE : run(goodLeave, 0);
    }

    private long run(double leave, long min) {
        // Geometric number of trials before leaving, at least min.
        double u = random.nextDouble();
        return min + (long) Math.floor(Math.log1p(-u) / Math.log1p(-leave));
    }

    /** The next run of the next {@code max} packets: positive for so many received, negative for so many lost. */
    long next(long max) {
        while (left == 0) {
            bad = !bad;
            left = bad ? run(badLeave, 1) : run(goodLeave, 0);
        }
        long n = Math.min(left, max);
        left -= n;
        return bad ? -n : n;
    }
}
