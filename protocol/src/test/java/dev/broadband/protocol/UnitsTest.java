package dev.broadband.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class UnitsTest {
    @Test
    void ratesAsPeopleWriteThem() {
        assertThat(Units.parseRate("800mbit")).isEqualTo(800_000_000L);
        assertThat(Units.parseRate("1gbit")).isEqualTo(1_000_000_000L);
        assertThat(Units.parseRate("1.5G")).isEqualTo(1_500_000_000L);
        assertThat(Units.parseRate("500kbit/s")).isEqualTo(500_000L);
        assertThatThrownBy(() -> Units.parseRate("fast")).hasMessageContaining("800mbit");
        assertThatThrownBy(() -> Units.parseRate("10")).hasMessageContaining("too low");
    }

    @Test
    void durationsAsPeopleWriteThem() {
        assertThat(Units.parseDuration("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Units.parseDuration("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Units.parseDuration("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Units.parseDuration("1h")).isEqualTo(Duration.ofHours(1));
        assertThatThrownBy(() -> Units.parseDuration("30")).hasMessageContaining("30s");
        assertThat(Units.formatDuration(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(Units.formatDuration(Duration.ofMinutes(2))).isEqualTo("2m");
    }

    @Test
    void addressesPrintWithoutJavasSlash() throws Exception {
        assertThat(Units.formatAddress(new java.net.InetSocketAddress(java.net.InetAddress.getByName("10.0.0.5"), 7855)))
                .isEqualTo("10.0.0.5:7855");
    }
}
