package dev.broadband.agent.sender;

import static org.assertj.core.api.Assertions.assertThat;

import dev.broadband.agent.session.Geometry;
import dev.broadband.agent.wire.BlockNeed;
import org.junit.jupiter.api.Test;

class CarouselTest {
    private final Geometry geometry = new Geometry(10 * 64 * 100, 100, 64);

    @Test
    void isIdleUntilSomebodyJoinsThenSendsEveryBlockOnceInOrder() {
        Carousel c = new Carousel(geometry);
        assertThat(c.next()).isEqualTo(-1);
        c.needEverything();
        for (int b = 0; b < 10; b++) {
            assertThat(c.next()).isEqualTo(b);
            assertThat(c.lastMask()).isEqualTo(-1L);
            assertThat(c.lastWasRepair()).isFalse();
        }
        assertThat(c.next()).isEqualTo(-1);
        assertThat(c.idle()).isTrue();
    }

    @Test
    void aNackJumpsTheQueueAndIsSentOnceForEveryoneWhoAsked() {
        Carousel c = new Carousel(geometry);
        c.needEverything();
        for (int b = 0; b < 5; b++) {
            c.next();
        }
        assertThat(c.requestRepair(1, 0b101)).isTrue();
        assertThat(c.requestRepair(1, 0b110)).as("one packet is new").isTrue();
        assertThat(c.requestRepair(1, 0b100)).as("nothing new").isFalse();
        assertThat(c.queuedRepairs(10)).containsExactly(new BlockNeed(1, 0b111));
        assertThat(c.next()).isEqualTo(1);
        assertThat(c.lastMask()).isEqualTo(0b111);
        assertThat(c.lastWasRepair()).isTrue();
        assertThat(c.next()).as("then the carousel goes on where it was").isEqualTo(5);
        assertThat(c.frontier()).isEqualTo(5);
    }

    @Test
    void aLateJoinerIsServedFromWhereTheCarouselIsThenRoundAgainWithoutRewinding() {
        Carousel c = new Carousel(geometry);
        c.needEverything();
        for (int b = 0; b < 6; b++) {
            c.next();
        }
        c.needEverything();
        int[] order = new int[10];
        for (int i = 0; i < 10; i++) {
            order[i] = c.next();
        }
        assertThat(order).containsExactly(6, 7, 8, 9, 0, 1, 2, 3, 4, 5);
        assertThat(c.pass()).isEqualTo(1);
        assertThat(c.next()).isEqualTo(-1);
    }

    @Test
    void nacksOutsideTheImageOrItsLastBlockAreIgnored() {
        Carousel c = new Carousel(new Geometry(64 * 100 + 150, 100, 64));
        assertThat(c.requestRepair(-1, 1)).isFalse();
        assertThat(c.requestRepair(2, 1)).isFalse();
        assertThat(c.requestRepair(1, -1L)).isTrue();
        assertThat(c.next()).isEqualTo(1);
        assertThat(c.lastMask()).as("only the last block's two packets exist").isEqualTo(0b11);
    }

    @Test
    void withParityABlockGetsAsManyNewParityPacketsAsTheWorstReceiverLacks() {
        Carousel c = new Carousel(geometry, true, 0);
        c.needEverything();
        for (int b = 0; b < 4; b++) {
            c.next();
            assertThat(c.lastParityCount()).isZero();
        }
        c.requestRepair(2, 0b1);
        c.requestRepair(2, 0b1011);
        c.requestRepair(2, 0b11);
        assertThat(c.queuedRepairs(10)).containsExactly(new BlockNeed(2, 0b111));
        assertThat(c.next()).isEqualTo(2);
        assertThat(c.lastMask()).as("no data resent").isZero();
        assertThat(c.lastParityFirst()).isZero();
        assertThat(c.lastParityCount()).isEqualTo(3);
        c.requestRepair(2, 0b1);
        assertThat(c.next()).isEqualTo(2);
        assertThat(c.lastParityFirst()).as("always new parity").isEqualTo(3);
        assertThat(c.lastParityCount()).isEqualTo(1);
    }

    @Test
    void proactiveParityGoesWithEveryFullBlock() {
        Carousel c = new Carousel(geometry, true, 0.02);
        c.needEverything();
        assertThat(c.next()).isZero();
        assertThat(c.lastMask()).isEqualTo(-1L);
        assertThat(c.lastParityCount()).as("2% of 64, rounded up").isEqualTo(2);
    }
}
