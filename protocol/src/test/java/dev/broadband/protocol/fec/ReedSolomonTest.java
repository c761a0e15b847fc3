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

    /**
     * Parity {@code j} is the Cauchy combination of the data, symbol by symbol, with the symbols read from the packets
     * as docs/protocol.md ("Parity") defines them: bit planes, then a tail of bytes. The reference here reads them
     * one bit at a time; every k up to a few, and lengths with and without a tail, with and without whole planes.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 9, 64, 128})
    void parityIsTheCauchyCombinationOfTheDataSymbols(int k) {
        ReedSolomon code = new ReedSolomon(k);
        for (int len : new int[] {37, 8, 5, 1448}) {
            byte[][] data = TestBlocks.random(k, len, new Random(k + len));
            byte[] out = new byte[len];
            for (int j : new int[] {0, 1, code.maxParity() / 2, code.maxParity() - 1}) {
                code.encodeParity(data, len, j, out);
                int[] parity = symbols(out, len);
                int[][] dataSymbols = new int[k][];
                for (int i = 0; i < k; i++) {
                    dataSymbols[i] = symbols(data[i], len);
                }
                for (int s = 0; s < len; s++) {
                    int expected = 0;
                    for (int i = 0; i < k; i++) {
                        expected ^= GaloisField.div(dataSymbols[i][s], (k + j) ^ i);
                    }
                    assertThat(parity[s]).as("len %d, parity %d, symbol %d", len, j, s).isEqualTo(expected);
                }
            }
        }
    }

    /** A packet's symbols: (t, b) takes bit b of byte t of every plane j as its bit j; the tail's bytes follow. */
    private static int[] symbols(byte[] packet, int len) {
        int plane = len / 8;
        int[] symbols = new int[len];
        for (int t = 0; t < plane; t++) {
            for (int b = 0; b < 8; b++) {
                int symbol = 0;
                for (int j = 0; j < 8; j++) {
                    symbol |= (packet[j * plane + t] >> b & 1) << j;
                }
                symbols[t * 8 + b] = symbol;
            }
        }
        for (int i = plane * 8; i < len; i++) {
            symbols[i] = packet[i] & 0xFF;
        }
        return symbols;
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
