package dev.broadband.protocol.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.broadband.protocol.session.Geometry;
import dev.broadband.protocol.session.Sha256;
import dev.broadband.protocol.sink.Sink;
import dev.broadband.protocol.wire.BlockNeed;
import dev.broadband.protocol.wire.ControlMessage.SenderStatus;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class RepairRequesterTest {
    private static final long MS = 1_000_000L;
    private final Geometry geometry = new Geometry(10 * 4 * 10, 10, 4);
    private final Sink discard = new Sink() {
        public boolean write(long offset, ByteBuffer data) { data.position(data.limit()); return true; }
        public boolean randomAccess() { return true; }
        public Sha256 finish(java.util.function.DoubleConsumer p) { return null; }
        public String description() { return "nowhere"; }
        public void close() {}
    };
    private final BlockAssembler blocks = new BlockAssembler(geometry, discard, 1 << 20, false);
    private final CarouselView view = new CarouselView(10, 5, false);
    private final RepairRequester requester = new RepairRequester(10, new RepairTiming(10 * MS, 20 * MS, 150 * MS),
            new SplittableRandom(1));

    private void receive(int block, int... packets) throws Exception {
        ByteBuffer packet = ByteBuffer.allocate(100);
        for (int p : packets) {
            blocks.accept(block, p, packet, 0, 10);
        }
    }

    private static SenderStatus status(int seq, int pass, int frontier, boolean idle, BlockNeed... queued) {
        return new SenderStatus(1, seq, pass, frontier, idle, 1, null, List.of(queued));
    }

    /** Parity blocks of 4 symbols, lacking as many symbols as bits in {@code lacking}; 0 is complete. */
    private record Lacking(long... lacking) implements BlockProgress {
        public int nextIncomplete(int from) {
            int b = from;
            while (b < lacking.length && lacking[b] == 0) {
                b++;
            }
            return b;
        }

        public long missing(int block) {
            return lacking[block];
        }
    }

    /** A parity view in a group of {@code receivers} that has seen all 10 blocks offered. */
    private static CarouselView parityView(int receivers, BlockNeed... queued) {
        CarouselView parity = new CarouselView(10, 5, true);
        parity.onStatus(new SenderStatus(1, 5, 0, 0, false, receivers, null, List.of()));
        parity.onStatus(new SenderStatus(1, 6, 0, 10, false, receivers, null, List.of(queued)));
        return parity;
    }

    private static List<Integer> blocks(List<BlockNeed> needs) {
        return needs.stream().map(BlockNeed::block).toList();
    }

    @Test
    void asksOnlyForBlocksTheCarouselHasPassedAfterABackoffAndRepeatsUntilRepaired() throws Exception {
        receive(0, 0, 2, 3);
        receive(1, 0, 1, 2, 3);
        receive(2, 1);
        view.onStatus(status(4, 0, 9, false));
        assertThat(requester.due(0, view, blocks, 100)).as("a status from before we joined says nothing").isEmpty();
        view.onStatus(status(5, 0, 0, false));
        view.onStatus(status(6, 0, 2, false));
        assertThat(requester.due(1 * MS, view, blocks, 100)).as("backoff first").isEmpty();
        assertThat(requester.due(25 * MS, view, blocks, 100)).containsExactly(new BlockNeed(0, 0b0010));
        assertThat(requester.due(30 * MS, view, blocks, 100)).as("not again at once").isEmpty();
        assertThat(requester.due(200 * MS, view, blocks, 100)).as("repeated when unanswered")
                .containsExactly(new BlockNeed(0, 0b0010));
        receive(0, 1);
        assertThat(requester.due(400 * MS, view, blocks, 100)).isEmpty();
    }

    @Test
    void holdsBackWhenTheSenderAlreadyQueuedTheSameRepair() throws Exception {
        receive(0, 0, 1);
        view.onStatus(status(5, 0, 0, false));
        view.onStatus(status(6, 0, 1, false, new BlockNeed(0, 0b1110)));
        requester.due(0, view, blocks, 100);
        assertThat(requester.due(50 * MS, view, blocks, 100)).isEmpty();
        assertThat(requester.suppressed()).isEqualTo(1);
        view.onStatus(status(7, 0, 1, false, new BlockNeed(0, 0b0100)));
        assertThat(requester.due(250 * MS, view, blocks, 100)).as("only part of it is queued")
                .containsExactly(new BlockNeed(0, 0b1100));
    }

    @Test
    void withParityHoldsBackWhenTheSenderQueuedAsManyParityPacketsAsItLacks() {
        Lacking lacking = new Lacking(0b0011, 0b1111, 0, 0, 0, 0, 0, 0, 0, 0);
        CarouselView parity = parityView(1, new BlockNeed(0, 0b0111), new BlockNeed(1, 0b0111));
        requester.due(0, parity, lacking, 100);
        assertThat(requester.due(50 * MS, parity, lacking, 100)).as("3 queued cover 2 lacking, not 4")
                .containsExactly(new BlockNeed(1, 0b1111));
        assertThat(requester.suppressed()).isEqualTo(1);
    }

    @Test
    void inALargeGroupAboutOneReceiverAsksInTheFirstTickAndAllWithinTheWindow() {
        Lacking lacking = new Lacking(0b0001, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        CarouselView group = parityView(1000);
        long window = RepairTiming.DEFAULT.windowNanos(1000);
        assertThat(window).isEqualTo(60 * MS);
        SplittableRandom seeds = new SplittableRandom(7);
        int first = 0;
        for (int receiver = 0; receiver < 1000; receiver++) {
            RepairRequester each = new RepairRequester(10, RepairTiming.DEFAULT, seeds.split());
            each.due(0, group, lacking, 100);
            if (!each.due(RepairTiming.DEFAULT.tickNanos(), group, lacking, 100).isEmpty()) {
                first++;
            } else {
                assertThat(each.due(window, group, lacking, 100)).hasSize(1);
            }
        }
        assertThat(first).isBetween(0, 4);
    }

    @Test
    void aNackGoingOutAnywayCarriesTheBlocksStillInTheirBackoffOnce() {
        Lacking lacking = new Lacking(0b0001, 0b0111, 0, 0, 0, 0, 0, 0, 0, 0);
        CarouselView group = parityView(1000);
        long[] draws = {0L, -1L};
        int[] next = {0};
        RepairRequester early = new RepairRequester(10, RepairTiming.DEFAULT,
                (RandomGenerator) () -> draws[next[0]++ % 2]);
        early.due(0, group, lacking, 100);
        assertThat(blocks(early.due(MS, group, lacking, 100))).as("block 0 drew the earliest, block 1 rides along")
                .containsExactly(0, 1);
        assertThat(early.due(100 * MS, group, lacking, 100)).as("then both wait to be repeated").isEmpty();
    }

    @Test
    void aSmallGroupAsksForEveryLossWithinOneBackoff() {
        Lacking lacking = new Lacking(0b0001, 0b0111, 0, 0, 0, 0, 0, 0, 0, 0);
        CarouselView group = parityView(10);
        assertThat(RepairTiming.DEFAULT.windowNanos(10)).isEqualTo(RepairTiming.DEFAULT.backoffNanos());
        requester.due(0, group, lacking, 100);
        assertThat(blocks(requester.due(20 * MS, group, lacking, 100))).containsExactly(0, 1);
    }

    @Test
    void afterJoiningMidPassWaitsForTheCarouselToComeRoundAndAnIdleSenderMakesEverythingDue() throws Exception {
        view.onStatus(status(5, 0, 6, false));
        view.onStatus(status(6, 1, 1, false));
        List<Integer> due = dueBlocks(0, 30 * MS);
        assertThat(due).containsExactly(0, 6, 7, 8, 9);
        view.onStatus(status(7, 1, 2, true));
        assertThat(dueBlocks(40 * MS, 80 * MS)).containsExactly(1, 2, 3, 4, 5);
    }

    private List<Integer> dueBlocks(long first, long then) {
        requester.due(first, view, blocks, 100);
        return requester.due(then, view, blocks, 100).stream().map(BlockNeed::block).sorted().toList();
    }
}
