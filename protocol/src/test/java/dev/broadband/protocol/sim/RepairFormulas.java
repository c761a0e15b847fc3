package dev.broadband.protocol.sim;

/**
 * Expected transmissions per data packet to deliver to N receivers with independent loss p (Nonnenmacher,
 * Biersack, Towsley 1998): the yardsticks the simulator is checked against.
 */
final class RepairFormulas {
    private RepairFormulas() {}

    /** Resending each lost packet until all have it: E[M] = sum over m >= 0 of 1 - (1 - p^m)^N. */
    static double selective(int receivers, double p) {
        double sum = 0;
        for (int m = 0; m < 10_000; m++) {
            double term = 1 - Math.pow(1 - Math.pow(p, m), receivers);
            sum += term;
            if (term < 1e-12) {
                break;
            }
        }
        return sum;
    }

    /**
     * Ideal parity over blocks of k: transmissions until every receiver holds k of them, per data packet:
     * (1/k) sum over t >= 0 of 1 - P(T <= t)^N, where T is the number of packets a receiver needs to get k.
     */
    static double parity(int receivers, double p, int k) {
        double sum = 0;
        for (int t = 0; t < 100_000; t++) {
            double term = 1 - Math.pow(atLeast(t, k, 1 - p), receivers);
            sum += term;
            if (t > k && term < 1e-12) {
                break;
            }
        }
        return sum / k;
    }

    /** P(Binomial(n, q) >= k). */
    private static double atLeast(int n, int k, double q) {
        if (n < k) {
            return 0;
        }
        double below = 0;
        double logTerm;
        for (int i = 0; i < k; i++) {
            logTerm = logChoose(n, i) + i * Math.log(q) + (n - i) * Math.log1p(-q);
            below += Math.exp(logTerm);
        }
        return Math.max(0, 1 - below);
    }

    private static double logChoose(int n, int i) {
        double r = 0;
        for (int j = 1; j <= i; j++) {
            r += Math.log(n - i + j) - Math.log(j);
        }
        return r;
    }
}
