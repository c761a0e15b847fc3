package dev.broadband.protocol.fec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReedSolomonTest {

    @Test
    void parityCountFillsTheField() {
        assertThat(new ReedSolomon(1).maxParity()).isEqualTo(255);
        assertThat(new ReedSolomon(64).maxParity()).isEqualTo(192);
        assertThat(new ReedSolomon(128).maxParity()).isEqualTo(128);
        assertThat(new ReedSolomon(255).maxParity()).isEqualTo(1);
        assertThat(new ReedSolomon(64).dataCount()).isEqualTo(64);
    }

    @Test
    void rejectsBlockSizesOutsideTheField() {
        assertThatThrownBy(() -> new ReedSolomon(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("k must be in 1..255");
        assertThatThrownBy(() -> new ReedSolomon(256)).isInstanceOf(IllegalArgumentException.class);
    }

    /** Covers every remainder of the kernel's four-inputs-per-pass grouping. */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 9, 64, 128})
    void parityIsTheCauchyCombinationOfTheData(int k) {
        ReedSolomon code = new ReedSolomon(k);
        int len = 37;
        byte[][] data = TestBlocks.random(k, len, new Random(k));
        byte[] out = new byte[len];
        for (int j : new int[] {0, 1, code.maxParity() / 2, code.maxParity() - 1}) {
            code.encodeParity(data, len, j, out);
            for (int b = 0; b < len; b++) {
                int expected = 0;
                for (int i = 0; i < k; i++) {
                    expected ^= GaloisField.div(data[i][b] & 0xFF, (k + j) ^ i);
                }
                assertThat(out[b] & 0xFF).as("parity %d byte %d", j, b).isEqualTo(expected);
            }
        }
    }

    @Test
    void parityOverwritesWhatTheOutputHeldAndLeavesItsTailAlone() {
        ReedSolomon code = new ReedSolomon(4);
        byte[][] data = TestBlocks.random(4, 8, new Random(1));
        byte[] fresh = new byte[8];
        code.encodeParity(data, 8, 3, fresh);
        byte[] reused = new byte[10];
        Arrays.fill(reused, (byte) 0x5A);
        code.encodeParity(data, 8, 3, reused);
        assertThat(Arrays.copyOf(reused, 8)).isEqualTo(fresh);
        assertThat(reused[8]).isEqualTo((byte) 0x5A);
        assertThat(reused[9]).isEqualTo((byte) 0x5A);
    }

    @Test
    void rejectsBadArguments() {
        ReedSolomon code = new ReedSolomon(4);
        byte[][] data = TestBlocks.random(4, 16, new Random(2));
        byte[] out = new byte[16];
        assertThatThrownBy(() -> code.encodeParity(data, 16, 252, out))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("parity index must be in 0..251 for k=4, was 252");
        assertThatThrownBy(() -> code.encodeParity(data, 16, -1, out))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> code.encodeParity(TestBlocks.random(3, 16, new Random(3)), 16, 0, out))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expected 4 data packets, got 3");
        assertThatThrownBy(() -> code.encodeParity(data, 17, 0, new byte[17]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("data packet 0 has 16 bytes, needs 17");
        assertThatThrownBy(() -> code.encodeParity(data, 16, 0, new byte[15]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("parity output has 15 bytes, needs 16");
        assertThatThrownBy(() -> code.encodeParity(data, -1, 0, out))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
