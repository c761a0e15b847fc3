package dev.broadband.protocol.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GeometryTest {
    @Test
    void cutsAnImageIntoBlocksWithAShortLastPacketAndBlock() {
        Geometry g = new Geometry(1000 * 64 + 2500, 1000, 64);
        assertThat(g.blockCount()).isEqualTo(2);
        assertThat(g.packetCount()).isEqualTo(67);
        assertThat(g.blockLength(1)).isEqualTo(2500);
        assertThat(g.packetsIn(0)).isEqualTo(64);
        assertThat(g.packetsIn(1)).isEqualTo(3);
        assertThat(g.packetLength(1, 2)).isEqualTo(500);
        assertThat(g.fullMask(0)).isEqualTo(-1L);
        assertThat(g.fullMask(1)).isEqualTo(0b111L);
        assertThat(g.blockOffset(1)).isEqualTo(64_000);
    }

    @Test
    void anEmptyImageHasNoBlocks() {
        Geometry g = new Geometry(0, 1448, 64);
        assertThat(g.blockCount()).isZero();
        assertThat(g.packetCount()).isZero();
    }

    @Test
    void aHundredGigabytesFitsAndNonsenseIsRefused() {
        Geometry big = new Geometry(100L << 30, 1448, 64);
        assertThat(big.blockOffset(big.blockCount() - 1)).isLessThan(100L << 30);
        assertThat(big.blockOffset(big.blockCount() - 1) + big.blockLength(big.blockCount() - 1)).isEqualTo(100L << 30);
        assertThatThrownBy(() -> new Geometry(10, 1448, 65)).hasMessageContaining("1..64");
        assertThatThrownBy(() -> new Geometry(-1, 1448, 64)).hasMessageContaining("negative");
        assertThatThrownBy(() -> new Geometry(Long.MAX_VALUE, 1, 1)).hasMessageContaining("too large");
    }
}
