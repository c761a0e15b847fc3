package dev.broadband.protocol.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReceivePacingTest {
    private static final long MS = 1_000_000;

    /** Drains {@code packetsPerMs} every millisecond for {@code ms} milliseconds from {@code start}; the last pause. */
    private static long steady(ReceivePacing pacing, int packetsPerMs, long start, int ms) {
        long pause = 0;
        for (int i = 1; i <= ms; i++) {
            pause = pacing.pauseAfter(packetsPerMs, start + i * MS);
        }
        return pause;
    }

    @Test
    void beforeTheRateIsKnownThePauseIsShort() {
        ReceivePacing pacing = new ReceivePacing(8 << 20);
        assertThat(pacing.pauseAfter(10, MS)).isEqualTo(ReceivePacing.MIN_PAUSE_NANOS);
    }

    @Test
    void slowTrafficWaitsTheLongestPause() {
        ReceivePacing pacing = new ReceivePacing(8 << 20);
        assertThat(steady(pacing, 10, 0, 20)).isEqualTo(ReceivePacing.MAX_PAUSE_NANOS);
    }

    @Test
    void aSmallBufferShortensThePauseSoItNeverFillsBeyondAQuarter() {
        int buffer = 212_992;
        ReceivePacing pacing = new ReceivePacing(buffer);
        // 86 datagrams per millisecond: a 1 Gbit/s link
        long pause = steady(pacing, 86, 0, 20);
        double packetsGathered = 86.0 * pause / MS;
        assertThat(packetsGathered * ReceivePacing.BUFFER_BYTES_PER_DATAGRAM).isLessThanOrEqualTo(buffer / 4.0 + 1);
        assertThat(pause).isLessThan(ReceivePacing.MAX_PAUSE_NANOS).isGreaterThanOrEqualTo(ReceivePacing.MIN_PAUSE_NANOS);
    }

    @Test
    void aRisingRateIsFollowedAtOnceAndAFallingOneSlowly() {
        ReceivePacing pacing = new ReceivePacing(1 << 20);
        long slow = steady(pacing, 10, 0, 20);
        long fast = steady(pacing, 200, 20 * MS, 5);
        assertThat(fast).isLessThan(slow);
        long afterAQuietSpell = steady(pacing, 10, 25 * MS, 5);
        assertThat(afterAQuietSpell).isGreaterThan(fast).isLessThan(slow);
    }

    @Test
    void oneDrainOfAFullBufferDoesNotLookLikeARateRise() {
        ReceivePacing pacing = new ReceivePacing(1 << 20);
        long before = steady(pacing, 10, 0, 20);
        // 256 datagrams taken within a tenth of a millisecond, right after a long pause
        long after = pacing.pauseAfter(256, 20 * MS + MS / 10);
        assertThat(after).isEqualTo(before);
    }

    @Test
    void anUnboundedBufferAlwaysAllowsTheLongestPause() {
        ReceivePacing pacing = new ReceivePacing(0);
        assertThat(steady(pacing, 1000, 0, 20)).isEqualTo(ReceivePacing.MAX_PAUSE_NANOS);
    }
}
