package dev.broadband.protocol.sender;

import static dev.broadband.protocol.sender.StartPolicy.Decision.GIVE_UP;
import static dev.broadband.protocol.sender.StartPolicy.Decision.START;
import static dev.broadband.protocol.sender.StartPolicy.Decision.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class StartPolicyTest {
    private static final long S = 1_000_000_000L;

    @Test
    void withAMinimumStartsOnceThatManyJoined() {
        StartPolicy p = new StartPolicy(3, Duration.ofSeconds(1), null);
        assertThat(p.decide(2, 100 * S, 50 * S)).isEqualTo(WAIT);
        assertThat(p.decide(3, 0, 0)).isEqualTo(START);
    }

    @Test
    void withoutAMinimumStartsAGatheringWindowAfterTheFirstJoin() {
        StartPolicy p = new StartPolicy(0, Duration.ofSeconds(1), null);
        assertThat(p.decide(0, 1000 * S, -1)).isEqualTo(WAIT);
        assertThat(p.decide(1, 10 * S, S / 2)).isEqualTo(WAIT);
        assertThat(p.decide(1, 10 * S, S)).isEqualTo(START);
    }

    @Test
    void theStartTimeoutStartsWithWhoeverJoinedOrGivesUp() {
        StartPolicy p = new StartPolicy(5, Duration.ofSeconds(1), Duration.ofSeconds(30));
        assertThat(p.decide(2, 29 * S, 5 * S)).isEqualTo(WAIT);
        assertThat(p.decide(2, 30 * S, 5 * S)).isEqualTo(START);
        assertThat(p.decide(0, 30 * S, -1)).isEqualTo(GIVE_UP);
    }
}
