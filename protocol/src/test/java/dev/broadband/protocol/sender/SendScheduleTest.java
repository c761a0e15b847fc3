package dev.broadband.protocol.sender;

import static org.assertj.core.api.Assertions.assertThat;

import dev.broadband.protocol.session.Geometry;
import org.junit.jupiter.api.Test;

class SendScheduleTest {
    private final Geometry geometry = new Geometry(10 * 64 * 100, 100, 64);

    @Test
    void aRunGoesOutABlocksWorthAtATimeTakingTurnsWithRepairsTheFrontierAtItsStartUntilItsLastPacket() {
        Carousel carousel = new Carousel(geometry, true, 0, 4);
        SendSchedule schedule = new SendSchedule(carousel, 64);
        carousel.needEverything();
        assertThat(schedule.next()).isTrue();
        Batch run = schedule.batch();
        assertThat(run.size()).isEqualTo(4);
        assertThat(schedule.to() - schedule.from()).isEqualTo(64);
        schedule.sent(64);

        carousel.requestRepair(2, 0b1);
        carousel.requestRepair(1, 0b11);
        assertThat(schedule.next()).isTrue();
        assertThat(schedule.batch().repair()).as("a repair goes before the rest of the run").isTrue();
        assertThat(schedule.batch().block(0)).isEqualTo(1);
        assertThat(schedule.to() - schedule.from()).isEqualTo(2);
        schedule.sent(2);
        assertThat(schedule.next()).isTrue();
        assertThat(schedule.batch()).as("the next repair waits for a step of the run").isSameAs(run);
        assertThat(schedule.from()).isEqualTo(64);
        schedule.sent(64);
        assertThat(schedule.next()).isTrue();
        assertThat(schedule.batch().block(0)).isEqualTo(2);
        schedule.sent(1);

        int sent = 128;
        while (sent < run.packets()) {
            assertThat(schedule.next()).isTrue();
            assertThat(schedule.batch()).isSameAs(run);
            assertThat(schedule.from()).as("the run resumes where it left off").isEqualTo(sent);
            assertThat(carousel.frontier()).as("nothing of the run counts as offered").isZero();
            schedule.sent(schedule.to() - schedule.from());
            sent = schedule.to();
        }
        assertThat(schedule.next()).isTrue();
        assertThat(carousel.frontier()).as("the run went out whole").isEqualTo(4);
    }

    @Test
    void isIdleOnlyOnceTheLastRunHasGoneOutWhole() {
        Carousel carousel = new Carousel(new Geometry(2 * 64 * 100, 100, 64), false, 0, 8);
        SendSchedule schedule = new SendSchedule(carousel, 64);
        carousel.needEverything();
        assertThat(schedule.next()).isTrue();
        assertThat(carousel.idle()).as("the carousel handed everything out").isTrue();
        assertThat(schedule.idle()).isFalse();
        schedule.sent(64);
        assertThat(schedule.next()).isTrue();
        assertThat(schedule.idle()).isFalse();
        schedule.sent(64);
        assertThat(schedule.idle()).isTrue();
        assertThat(schedule.next()).isFalse();
    }
}
