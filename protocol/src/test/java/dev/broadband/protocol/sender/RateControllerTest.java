package dev.broadband.protocol.sender;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RateControllerTest {
    private static final long MS = 1_000_000L;
    /** A little over one rate window (100 ms), so that a tick at its end moves the rate. */
    private static final long ONE_WINDOW = 102 * MS;
    private static final long RECEIVER = 7;

    @Test
    void aFixedCapPacesToItsRate() {
        RateController r = RateController.fixed(8_000_000, 0);
        long now = 0;
        long sent = 0;
        while (now < 1000 * MS) {
            long delay = r.delayFor(1000, now);
            if (delay == 0) {
                sent += 1000;
            } else {
                now += delay;
            }
        }
        // 1 MB/s for one second, plus the initial burst allowance
        assertThat(sent).isBetween(1_000_000L, 1_000_000L + 100_000L);
    }

    @Test
    void aSenderWokenLateSendsAfterWhatItLostSoItStillKeepsItsRate() {
        // 64 KiB segmented sends at 625 Mbit/s, every wait for tokens overslept by 2 ms, as on a busy shared core.
        RateController r = RateController.fixed(625_000_000, 0);
        long now = 0;
        long sent = 0;
        while (now < 1000 * MS) {
            long delay = r.delayFor(65_536, now);
            if (delay == 0) {
                sent += 65_536;
                now += 20_000;
            } else {
                now += delay + 2 * MS;
            }
        }
        assertThat(sent * 8).isGreaterThan(600_000_000L);
    }

    @Test
    void timeWithNothingToSendIsNotSentAfterInABurst() {
        RateController r = RateController.fixed(625_000_000, 0);
        long now = 0;
        while (now < 100 * MS) {
            long delay = r.delayFor(65_536, now);
            now += delay == 0 ? 20_000 : delay;
        }
        r.idle();
        now += 50 * MS;
        long burst = 0;
        while (r.delayFor(65_536, now) == 0) {
            burst += 65_536;
        }
        // What one millisecond at the rate allows (78 KB), not the 50 ms of the lull
        assertThat(burst).isLessThanOrEqualTo(RateController.BURST_NANOS * 625_000_000 / 8_000_000_000L + 65_536);
    }

    @Test
    void adaptiveRateBacksOffOnOverflowAndClimbsBackWhenReceiversKeepUp() {
        RateController r = RateController.adaptive(400_000_000, 1_000_000_000, 0);
        r.onReceiverReport(RECEIVER, 120, 0, 200 * MS);
        assertThat(r.rateBps()).isEqualTo(340_000_000);
        r.onReceiverReport(RECEIVER, 500, 0, 250 * MS);
        assertThat(r.rateBps()).as("one decrease per interval").isEqualTo(340_000_000);
        r.onReceiverReport(RECEIVER, 0, 20, 400 * MS);
        assertThat(r.rateBps()).as("ordinary random loss is repaired, not slowed for").isEqualTo(340_000_000);
        r.onReceiverReport(RECEIVER, 5, 0, 400 * MS);
        assertThat(r.rateBps()).as("a few drops are a hiccup").isEqualTo(340_000_000);
        long t = 400 * MS;
        for (; t < 20_000 * MS; t += 5_000) {
            if (r.delayFor(1000, t) == 0) {
                r.tick(t, -1);
            }
        }
        assertThat(r.rateBps()).isEqualTo(1_000_000_000);
    }

    @Test
    void aBackOffStartsFromWhatActuallyWentOutSoThatItBitesAtOnce() {
        RateController r = RateController.adaptive(400_000_000, 10_000_000_000L, 0);
        // The link takes 100 Mbit/s: 1250 bytes every 100 microseconds.
        long t = 0;
        for (; t < 5_000 * MS; t += 100_000) {
            r.delayFor(1250, t);
            // Every try beyond what the link takes is refused.
            r.tick(t, t / 100_000);
        }
        assertThat(r.rateBps()).as("no growth while the link cannot take what the rate allows").isEqualTo(400_000_000L);
        r.onReceiverReport(RECEIVER, 100, 0, t);
        r.onReceiverReport(RECEIVER, 100, 0, t + 200 * MS);
        assertThat(r.rateBps()).isLessThan(100_000_000L);
    }

    /** An adaptive controller that started at {@code bps} and has sent a whole window at it, ending at ONE_WINDOW. */
    private static RateController afterOneWindowAt(long bps) {
        RateController r = RateController.adaptive(bps, 10_000_000_000L, 0);
        r.begin(0);
        sendUntil(r, 0, ONE_WINDOW, 1.0);
        return r;
    }

    @Test
    void aBackOffAfterAnOvershootKeepsAShareOfWhatArrivedNotOfWhatWentOut() {
        // 2 Gbit/s went out, into a switch that passes 1 Gbit/s and drops the rest: the receiver lost half.
        RateController r = afterOneWindowAt(2_000_000_000L);
        r.onReceiverReport(RECEIVER, 5000, 500, ONE_WINDOW);
        assertThat(r.rateBps()).as("one back-off brings it under the switch's 1 Gbit/s")
                .isBetween(800_000_000L, 900_000_000L);
    }

    @Test
    void aReceiverThatStalledAMomentAndLostNearlyAllCostsAtMostHalfTheRate() {
        RateController r = afterOneWindowAt(1_000_000_000L);
        // Its process did not run for most of the report's 200 ms: 95 % lost, though it takes 1 Gbit/s once it runs.
        r.onReceiverReport(RECEIVER, 15_000, 950, ONE_WINDOW);
        assertThat(r.rateBps()).isBetween(400_000_000L, 450_000_000L);
    }

    @Test
    void aReceiverThatTookTheRateAndReportsCongestionOnceStalledAMoment() {
        RateController r = RateController.adaptive(1_000_000_000L, 1_000_000_000L, 0);
        r.begin(0);
        long t = sendUntil(r, 0, 1000 * MS, 1.0);
        // Two of four receivers took the rate, then stall a moment each, as on a 2-core machine.
        r.onReceiverReport(1, 0, 10, t);
        r.onReceiverReport(2, 0, 10, t);
        t = sendUntil(r, t, t + 100 * MS, 1.0);
        r.onReceiverReport(1, 3858, 300, t);
        t = sendUntil(r, t, t + 100 * MS, 1.0);
        r.onReceiverReport(2, 3017, 250, t);
        t = sendUntil(r, t, t + 600 * MS, 1.0);
        r.onReceiverReport(2, 500, 40, t);
        assertThat(r.rateBps()).as("no receiver said it twice within %d ms", RateController.CONFIRM_NANOS / MS)
                .isEqualTo(1_000_000_000L);
        t = sendUntil(r, t, t + 200 * MS, 1.0);
        r.onReceiverReport(2, 400, 30, t);
        assertThat(r.rateBps()).as("a receiver that says it in its next report too cannot take the rate")
                .isLessThan(1_000_000_000L);
    }

    @Test
    void aReceiverThatNeverTookTheRateBacksItOffAtItsFirstReport() {
        RateController r = RateController.adaptive(1_000_000_000L, 1_000_000_000L, 0);
        r.begin(0);
        long t = sendUntil(r, 0, 1000 * MS, 1.0);
        r.onReceiverReport(1, 0, 10, t);
        r.onReceiverReport(2, 3858, 300, t);
        assertThat(r.rateBps()).isLessThan(1_000_000_000L);
    }

    /** Sends as fast as {@code r} allows, 1250-byte packets, until {@code end}, with a core {@code share} of the time. */
    private static long sendUntil(RateController r, long from, long end, double share) {
        long t = from;
        for (; t < end; t += 10_000) {
            if (t % (100 * MS) < share * 100 * MS) {
                while (r.delayFor(1250, t) == 0) {
                    // as much as the tokens allow now
                }
            }
            r.tick(t, -1);
        }
        return t;
    }

    @Test
    void aStallOfTheWholeMachineIsNoRateToReturnTo() {
        RateController r = RateController.adaptive(1_000_000_000L, 1_000_000_000L, 0);
        r.begin(0);
        long t = sendUntil(r, 0, 1000 * MS, 1.0);
        // The receivers stop for a moment and so, mostly, does the sender: a window in which a quarter went out.
        t = sendUntil(r, t, t + 110 * MS, 0.25);
        r.onReceiverReport(RECEIVER, 473, 55, t);
        assertThat(r.rateBps()).as("a back-off from what the receivers took before").isGreaterThan(700_000_000L);
        t = sendUntil(r, t, t + 1000 * MS, 1.0);
        assertThat(r.rateBps()).as("back at the rate they took, within a second").isEqualTo(1_000_000_000L);
    }

    @Test
    void aLullWithNothingToSendDoesNotPullTheRateDown() {
        RateController r = RateController.adaptive(400_000_000, 10_000_000_000L, 0);
        long t = 0;
        // Half a second with little to send: a packet now and then, the sender idle in between.
        for (; t < 500 * MS; t += 10 * MS) {
            r.delayFor(1250, t);
            r.idle();
            r.tick(t, -1);
        }
        assertThat(r.rateBps()).isGreaterThanOrEqualTo(400_000_000L);
    }

    @Test
    void theWaitForClientsIsNoWindowOfSending() {
        RateController r = RateController.adaptive(400_000_000, 10_000_000_000L, 0);
        long start = 10_000 * MS;
        r.begin(start);
        // The first 100 ms of streaming go out at the full 400 Mbit/s: 5000 bytes every 100 microseconds.
        long t = start;
        for (; t <= start + 101 * MS; t += 100_000) {
            assertThat(r.delayFor(5000, t)).isZero();
        }
        r.tick(t, -1);
        assertThat(r.rateBps()).as("the ten seconds of waiting do not count as ten seconds of sending little")
                .isGreaterThan(400_000_000L);
    }

    /**
     * A sender that gets a core for 10 ms of every 40 (the rest goes to receivers on the same machine) and then sends
     * 64 KiB segmented sends as fast as {@code burstBps} allows, for two seconds; its interface refuses nothing.
     */
    private static RateController afterBurstsOf(long burstBps) {
        RateController r = RateController.adaptive(400_000_000, 10_000_000_000L, 0);
        r.begin(0);
        for (long cycle = 0; cycle < 2000 * MS; cycle += 40 * MS) {
            for (long t = cycle; t < cycle + 10 * MS; ) {
                long delay = r.delayFor(65_536, t);
                t += delay > 0 ? delay : 65_536 * 8_000_000_000L / burstBps;
                r.tick(t, 0);
            }
        }
        return r;
    }

    @Test
    void aSenderShortOfCpuThatTheRateHeldBackInItsBurstsProbesUpward() {
        // Bursts at 3 Gbit/s, paced at 400 Mbit/s after the 500 KB the bucket kept: half the rate on average.
        RateController r = afterBurstsOf(3_000_000_000L);
        assertThat(r.rateBps()).as("a higher rate lets its bursts grow, up to about what they can take")
                .isBetween(1_000_000_000L, 4_000_000_000L);
    }

    @Test
    void aSenderShortOfCpuThatTheRateNeverHeldBackKeepsItsRate() {
        // Bursts at 300 Mbit/s never wait for tokens at 400 Mbit/s: a higher rate would let nothing grow.
        RateController r = afterBurstsOf(300_000_000L);
        assertThat(r.rateBps()).isEqualTo(400_000_000L);
    }

    @Test
    void windowsInWhichTheSenderFellShortOfItsRateHoldTheRateWhereTheInterfaceCannotTell() {
        RateController r = RateController.adaptive(400_000_000, 10_000_000_000L, 0);
        r.begin(0);
        // A second of a sender busy elsewhere (cold code, a shared core): a packet per window.
        for (long t = 0; t <= 1000 * MS; t += 101 * MS) {
            r.delayFor(1250, t);
            r.tick(t, -1);
        }
        assertThat(r.rateBps()).as("no receiver asked for less").isEqualTo(400_000_000L);
    }

    @Test
    void aFixedCapIgnoresReports() {
        RateController r = RateController.fixed(100_000_000, 0);
        r.onReceiverReport(RECEIVER, 1000, 900, 10 * MS);
        r.tick(1000 * MS, -1);
        assertThat(r.rateBps()).isEqualTo(100_000_000);
    }
}
