package dev.broadband.protocol.sender;

import static org.assertj.core.api.Assertions.assertThat;

import dev.broadband.protocol.session.Geometry;
import dev.broadband.protocol.wire.BlockNeed;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CarouselTest {
    private final Geometry geometry = new Geometry(10 * 64 * 100, 100, 64);

    private static List<Integer> blocks(Batch batch) {
        List<Integer> blocks = new ArrayList<>();
        for (int s = 0; s < batch.size(); s++) {
            blocks.add(batch.block(s));
        }
        return blocks;
    }

    @Test
    void isIdleUntilSomebodyJoinsThenSendsEveryBlockOnceInOrder() {
        Carousel c = new Carousel(geometry, false, 0, 1);
        assertThat(c.nextRun()).isNull();
        c.needEverything();
        for (int b = 0; b < 10; b++) {
            Batch batch = c.nextRun();
            assertThat(blocks(batch)).containsExactly(b);
            assertThat(batch.mask(0)).isEqualTo(-1L);
            assertThat(batch.repair()).isFalse();
        }
        assertThat(c.nextRun()).isNull();
        assertThat(c.idle()).isTrue();
    }

    @Test
    void aPassGoesOutInRunsOfInterleavedBlocksTheFrontierAtTheFirstOfTheRunGoingOut() {
        Carousel c = new Carousel(geometry, false, 0, 4);
        c.needEverything();
        assertThat(blocks(c.nextRun())).containsExactly(0, 1, 2, 3);
        assertThat(c.frontier()).as("none of the run has gone out whole yet").isZero();
        assertThat(blocks(c.nextRun())).containsExactly(4, 5, 6, 7);
        assertThat(c.frontier()).isEqualTo(4);
        assertThat(blocks(c.nextRun())).as("the last run of the pass is shorter").containsExactly(8, 9);
        assertThat(c.nextRun()).isNull();
    }

    @Test
    void everyPacketOfTheRunGoesOutOnceDealtRoundRobin() {
        Geometry short3 = new Geometry(2 * 64 * 100 + 250, 100, 64);
        Carousel c = new Carousel(short3, true, 0.05, 8);
        c.needEverything();
        Batch batch = c.nextRun();
        assertThat(blocks(batch)).containsExactly(0, 1, 2);
        int parity = 4; // 5 % of 64, rounded up; 1 for the 3-packet last block
        assertThat(batch.packets()).isEqualTo(2 * (64 + parity) + 3 + 1);
        Set<String> seen = new HashSet<>();
        List<Integer> slots = new ArrayList<>();
        for (int p = 0; p < batch.packets(); p++) {
            assertThat(seen.add(batch.slotAt(p) + "/" + batch.symbolAt(p))).as("packet %d sent once", p).isTrue();
            slots.add(batch.slotAt(p));
        }
        assertThat(slots.subList(0, 12)).as("first packet of each, then second of each, ...")
                .containsExactly(0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2);
        assertThat(batch.symbolAt(0)).isZero();
        assertThat(batch.symbolAt(3)).isEqualTo(1);
        assertThat(batch.symbolAt(11)).as("the short block's parity after its 3 data packets").isEqualTo(64);
        for (int p = 12; p < batch.packets(); p++) {
            assertThat(slots.get(p)).as("then the two full blocks alone").isEqualTo(p % 2);
        }
        assertThat(batch.symbolAt(batch.packets() - 1)).as("their parity last").isEqualTo(64 + parity - 1);
    }

    @Test
    void aNackJumpsTheQueueAndIsSentOnceForEveryoneWhoAsked() {
        Carousel c = new Carousel(geometry, false, 0, 4);
        c.needEverything();
        c.nextRun();
        assertThat(c.requestRepair(1, 0b101)).isTrue();
        assertThat(c.requestRepair(1, 0b110)).as("one packet is new").isTrue();
        assertThat(c.requestRepair(1, 0b100)).as("nothing new").isFalse();
        assertThat(c.queuedRepairs(10)).containsExactly(new BlockNeed(1, 0b111));
        Batch repair = c.nextRepair();
        assertThat(blocks(repair)).as("a repair alone").containsExactly(1);
        assertThat(c.nextRepair()).isNull();
        assertThat(repair.mask(0)).isEqualTo(0b111);
        assertThat(repair.repair()).isTrue();
        assertThat(blocks(c.nextRun())).as("then the carousel goes on where it was").containsExactly(4, 5, 6, 7);
        assertThat(c.frontier()).isEqualTo(4);
    }

    @Test
    void aLateJoinerIsServedFromWhereTheCarouselIsThenRoundAgainWithoutRewinding() {
        Carousel c = new Carousel(geometry, false, 0, 4);
        c.needEverything();
        c.nextRun();
        c.needEverything();
        assertThat(blocks(c.nextRun())).containsExactly(4, 5, 6, 7);
        assertThat(blocks(c.nextRun())).as("a run ends with its pass").containsExactly(8, 9);
        Batch again = c.nextRun();
        assertThat(blocks(again)).containsExactly(0, 1, 2, 3);
        assertThat(again.repair()).isTrue();
        assertThat(c.pass()).isEqualTo(1);
        assertThat(c.frontier()).isZero();
        assertThat(c.nextRun()).as("what the first pass sent since the join is not needed again").isNull();
    }

    @Test
    void nacksOutsideTheImageOrItsLastBlockAreIgnored() {
        Carousel c = new Carousel(new Geometry(64 * 100 + 150, 100, 64), false, 0, 8);
        assertThat(c.requestRepair(-1, 1)).isFalse();
        assertThat(c.requestRepair(2, 1)).isFalse();
        assertThat(c.requestRepair(1, -1L)).isTrue();
        Batch batch = c.nextRun();
        assertThat(blocks(batch)).containsExactly(1);
        assertThat(batch.mask(0)).as("only the last block's two packets exist").isEqualTo(0b11);
    }

    @Test
    void withParityABlockGetsAsManyNewParityPacketsAsTheWorstReceiverLacks() {
        Carousel c = new Carousel(geometry, true, 0, 4);
        c.needEverything();
        assertThat(c.nextRun().parityCount(0)).isZero();
        c.requestRepair(2, 0b1);
        c.requestRepair(2, 0b1110);
        c.requestRepair(2, 0b11);
        assertThat(c.queuedRepairs(10)).containsExactly(new BlockNeed(2, 0b111));
        Batch batch = c.nextRepair();
        assertThat(blocks(batch)).containsExactly(2);
        assertThat(batch.mask(0)).as("no data resent: four packets lost between them, three at worst").isZero();
        assertThat(batch.parityCount(0)).isEqualTo(3);
        assertThat(batch.symbolAt(0)).isEqualTo(64);
        c.requestRepair(2, 0b1);
        c.requestRepair(2, 0b10);
        batch = c.nextRepair();
        assertThat(batch.parityCount(0)).isEqualTo(1);
        assertThat(batch.symbolAt(0)).as("always new parity").isEqualTo(64 + 3);
    }

    @Test
    void withParityWhileOneReceiverAloneCanAskItsLostPacketsThemselvesGoOut() {
        Carousel c = new Carousel(geometry, true, 0, 4);
        c.needEverything();
        c.nextRun();
        c.askers(1);
        c.requestRepair(1, 0b1001);
        Batch batch = c.nextRepair();
        assertThat(batch.mask(0)).as("its two packets").isEqualTo(0b1001);
        assertThat(batch.parityCount(0)).isZero();
        c.askers(2);
        c.requestRepair(1, 0b1000);
        c.requestRepair(1, 0b1001);
        batch = c.nextRepair();
        assertThat(batch.mask(0)).as("two receivers: parity, as many packets as the worse one lacks").isZero();
        assertThat(batch.parityCount(0)).isEqualTo(2);
        assertThat(batch.symbolAt(0)).as("parity not used before").isEqualTo(64);
    }

    @Test
    void withParityABlockGoingOutWholeForALateJoinerNeedsNoParityForALossOfIt() {
        Carousel c = new Carousel(geometry, true, 0, 4);
        c.needEverything();
        c.nextRun();
        c.needBlocks(1, 2);
        c.requestRepair(1, 0b1);
        c.requestRepair(1, 0b10);
        Batch batch = c.nextRepair();
        assertThat(batch.mask(0)).isEqualTo(geometry.fullMask(1));
        assertThat(batch.parityCount(0)).isZero();
    }
}
