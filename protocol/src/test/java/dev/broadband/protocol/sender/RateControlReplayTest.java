package dev.broadband.protocol.sender;

import static org.assertj.core.api.Assertions.assertThat;

import dev.broadband.protocol.sim.RateReplay;
import dev.broadband.protocol.sim.ReceiverModel;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The adaptive rate against what was seen on a 2-core machine: receivers whose JVMs are cold overflow their 4 MiB
 * socket buffers for the first 1.5 s, then keep up, on a 1 Gbit/s link with 1 % random loss. The rate had fallen to
 * 45 Mbit/s there and stayed for minutes. Replayed in virtual time against the real controller.
 */
class RateControlReplayTest {
    private static final long S = 1_000_000_000L;
    private static final long LINK = 1_000_000_000L;
    /** Datagrams per second a cold receiver takes, and a warm one (more than the link brings). */
    private static final double COLD = 15_000;
    private static final double WARM = 200_000;

    private static RateController adaptive() {
        return RateController.adaptive(ServerConfig.ADAPTIVE_START_BPS, ServerConfig.ADAPTIVE_CEILING_BPS, 0);
    }

    private static List<ReceiverModel> receivers(int n, double coldPerSecond, long coldUntil, double warmPerSecond,
                                                 double loss, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<ReceiverModel> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(new ReceiverModel(ReceiverModel.DEFAULT_BUFFER_PACKETS, coldPerSecond, coldUntil, warmPerSecond,
                    loss, random.split()));
        }
        return list;
    }

    private static long bps(double packetsPerSecond) {
        return (long) (packetsPerSecond * RateReplay.WIRE_BYTES * 8);
    }

    /**
     * A jumbo-frame segment, where one receiver takes 3 Gbit/s once warm: the back-off of the cold start had left the
     * rate probing gently up from 150 Mbit/s, and it took 3.5 s to reach the link (seen on the segment, 1 GiB).
     */
    @Test
    void anOverflowBurstAtStartUpOnAFastLinkCostsThatMomentToo() {
        long link = 3 * LINK;
        long coldUntil = 500_000_000L;
        RateReplay.Result r = RateReplay.run(adaptive(), link, 80_000_000L, 300_000_000L,
                receivers(1, COLD, coldUntil, 2 * link / 8.0 / RateReplay.WIRE_BYTES, 0, 1), 10 * S);

        assertThat(r.overflowDrops()).as("the cold receiver did overflow").isGreaterThan(100L);
        assertThat(r.sustainedFrom(link * 8 / 10)).as("back above 80 %% of the link within 2 s of the burst's end")
                .isBetween(0L, coldUntil + 2 * S);
    }

    @ParameterizedTest(name = "{0} receivers")
    @ValueSource(ints = {1, 4, 100})
    void anOverflowBurstAtStartUpCostsThatMomentNotTheSession(int n) {
        long coldUntil = 1500_000_000L;
        // The sender too is slow at first: in the first windows it sent 30 to 140 Mbit/s of the 400 it was allowed.
        RateReplay.Result r = RateReplay.run(adaptive(), LINK, 80_000_000L, 700_000_000L,
                receivers(n, COLD, coldUntil, WARM, 0.01, n), 10 * S);

        assertThat(r.overflowDrops()).as("the cold receivers did overflow").isGreaterThan(1000L * n);
        assertThat(r.sustainedFrom(LINK * 8 / 10)).as("back above 80 % of the link within 2 s of the burst's end")
                .isBetween(0L, coldUntil + 2 * S);
    }

    @Test
    void theSlowestReceiverSetsTheRateAndTheRateHoldsJustUnderIt() {
        double slow = 40_000;
        List<ReceiverModel> group = receivers(3, WARM, 0, WARM, 0.01, 1);
        group.add(new ReceiverModel(ReceiverModel.DEFAULT_BUFFER_PACKETS, slow, 0, slow, 0.01, new SplittableRandom(2)));
        RateReplay.Result r = RateReplay.run(adaptive(), LINK, group, 12 * S);

        long takes = bps(slow);
        assertThat(r.minSentBpsFrom(4 * S)).as("what the slowest takes, %d bit/s", takes).isGreaterThan(takes * 8 / 10);
        assertThat(r.overflowDrops()).as("overflow stays a small share of what the slow one was sent")
                .isLessThan(r.packetsSent() / 20);
    }

    @Test
    void aReceiverPausedForAMomentCostsAboutASecond() {
        List<ReceiverModel> group = receivers(3, WARM, 0, WARM, 0.01, 3);
        group.add(new ReceiverModel(ReceiverModel.DEFAULT_BUFFER_PACKETS, WARM, 0, WARM, 0.01, new SplittableRandom(4))
                .stalled(4 * S, 4 * S + 300_000_000L));
        RateReplay.Result r = RateReplay.run(adaptive(), LINK, group, 10 * S);

        assertThat(r.minSentBpsFrom(2 * S)).as("the pause was felt").isLessThan(LINK * 9 / 10);
        assertThat(r.minSentBpsFrom(4 * S + 1300_000_000L)).as("and forgotten within a second of its end")
                .isGreaterThan(LINK * 8 / 10);
    }

    /** Growing by a quarter per window, the ramp from the start rate to a 1 Gbit/s link took 0.4 s of a 3 s run. */
    @Test
    void theStartReachesTheLinkWithinAFewWindows() {
        RateReplay.Result r = RateReplay.run(adaptive(), LINK, receivers(1, WARM, 0, WARM, 0.01, 6), 3 * S);

        assertThat(r.sustainedFrom(LINK * 8 / 10)).as("above 80 % of the link from the third window on")
                .isBetween(0L, 2 * RateReplay.WINDOW_NANOS);
    }

    /**
     * A 10 Gbit/s interface in front of receivers that take 1 Gbit/s, and a switch that drops the rest without
     * pushing back: the doubling start overshoots several times over before the first report comes back.
     */
    @Test
    void anOvershootIntoASwitchAtTheStartSettlesWithinASecond() {
        double takes = LINK / 8.0 / RateReplay.WIRE_BYTES;
        RateReplay.Result r = RateReplay.run(adaptive(), 10 * LINK, receivers(4, takes, 0, takes, 0.01, 7), 6 * S);

        assertThat(r.minSentBpsFrom(S)).as("after the first second, never below 70 % of what the receivers take")
                .isGreaterThan(LINK * 7 / 10);
        assertThat(r.overflowDrops() / 4).as("overflow a small share of what each receiver was sent")
                .isLessThan(r.packetsSent() / 20);
    }

    @Test
    void randomLossIsRepairedNotSlowedFor() {
        RateReplay.Result r = RateReplay.run(adaptive(), LINK, receivers(100, WARM, 0, WARM, 0.02, 5), 6 * S);

        assertThat(r.minSentBpsFrom(2 * S)).isGreaterThan(LINK * 95 / 100);
    }
}
