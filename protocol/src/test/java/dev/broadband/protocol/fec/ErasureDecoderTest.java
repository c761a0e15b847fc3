package dev.broadband.protocol.fec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ErasureDecoderTest {

    static List<Arguments> smallCodes() {
        return List.of(
                Arguments.of(4, new int[] {0, 1, 2}),
                Arguments.of(4, new int[] {0, 100, 251}),
                Arguments.of(1, new int[] {0, 7, 254}),
                Arguments.of(2, new int[] {3, 0, 253}),
                Arguments.of(5, new int[] {250, 1, 2, 3}),
                Arguments.of(8, new int[] {0, 1, 2, 3}),
                Arguments.of(9, new int[] {0, 5, 200 - 9, 246}));
    }

    /**
     * Every subset of the k data and the given parity packets: the block comes back whenever at
     * least k of them arrived, and decoding refuses otherwise.
     */
    @ParameterizedTest
    @MethodSource("smallCodes")
    void everyErasurePatternOfASmallCode(int k, int[] parityIndices) {
        ReedSolomon code = new ReedSolomon(k);
        ErasureDecoder decoder = new ErasureDecoder(code);
        int len = 11;
        byte[][] data = TestBlocks.random(k, len, new Random(k));
        int symbols = k + parityIndices.length;
        for (int arrived = 0; arrived < 1 << symbols; arrived++) {
            checkPattern(code, decoder, data, parityIndices, arrived, len);
        }
    }

    /** {@code arrived} has bit i set for data packet i, bit k + s for the parity packet in slot s. */
    private static void checkPattern(ReedSolomon code, ErasureDecoder decoder, byte[][] data, int[] parityIndices,
            int arrived, int len) {
        int k = code.dataCount();
        boolean[] lost = new boolean[k];
        for (int i = 0; i < k; i++) {
            lost[i] = (arrived & 1 << i) == 0;
        }
        int[] arrivedParity = IntStream.range(0, parityIndices.length)
                .filter(s -> (arrived & 1 << (k + s)) != 0)
                .map(s -> parityIndices[s])
                .toArray();
        if (Integer.bitCount(arrived) >= k) {
            assertThat(TestBlocks.roundTrip(code, decoder, data, lost, arrivedParity, len))
                    .as("arrived %s", Integer.toBinaryString(arrived))
                    .isDeepEqualTo(data);
        } else {
            assertThatThrownBy(() -> TestBlocks.roundTrip(code, decoder, data, lost, arrivedParity, len))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("need at least");
        }
    }

    /** Seeded random losses of up to 16 data packets, repaired by parity of random indices in random order. */
    @ParameterizedTest
    @ValueSource(ints = {64, 128})
    void randomLossesInLargeBlocks(int k) {
        ReedSolomon code = new ReedSolomon(k);
        ErasureDecoder decoder = new ErasureDecoder(code);
        Random random = new Random(1000 + k);
        int len = 1432;
        for (int trial = 0; trial < 200; trial++) {
            byte[][] data = TestBlocks.random(k, len, random);
            int losses = 1 + random.nextInt(16);
            boolean[] lost = pickLost(k, losses, random);
            List<Integer> indices = new ArrayList<>(List.of(0, 5, 200 - k));
            while (indices.size() < losses + random.nextInt(3)) {
                int j = random.nextInt(code.maxParity());
                if (!indices.contains(j)) {
                    indices.add(j);
                }
            }
            Collections.shuffle(indices, random);
            int[] parityIndices = indices.stream().mapToInt(Integer::intValue).toArray();
            assertThat(TestBlocks.roundTrip(code, decoder, data, lost, parityIndices, len))
                    .as("trial %d, lost %s, parity %s", trial, Arrays.toString(lost), indices)
                    .isDeepEqualTo(data);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {64, 128})
    void wholeBlockFromParityAlone(int k) {
        ReedSolomon code = new ReedSolomon(k);
        Random random = new Random(k);
        byte[][] data = TestBlocks.random(k, 100, random);
        boolean[] lost = new boolean[k];
        Arrays.fill(lost, true);
        int[] highestParity = IntStream.range(code.maxParity() - k, code.maxParity()).toArray();
        assertThat(TestBlocks.roundTrip(code, new ErasureDecoder(code), data, lost, highestParity, 100))
                .isDeepEqualTo(data);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 7, 8, 9, 1432, 1450})
    void anyPacketLength(int len) {
        ReedSolomon code = new ReedSolomon(64);
        Random random = new Random(len);
        byte[][] data = TestBlocks.random(64, len, random);
        boolean[] lost = pickLost(64, 5, random);
        assertThat(TestBlocks.roundTrip(code, new ErasureDecoder(code), data, lost, new int[] {9, 0, 191, 5, 60}, len))
                .isDeepEqualTo(data);
    }

    @Test
    void buffersLongerThanThePacketKeepTheirTail() {
        ReedSolomon code = new ReedSolomon(3);
        byte[][] data = TestBlocks.random(3, 4, new Random(3));
        byte[] parity = new byte[4];
        code.encodeParity(data, 4, 1, parity);
        byte[][] received = {data[0], {9, 9, 9, 9, 9, 9}, data[2]};
        new ErasureDecoder(code).decode(received, new boolean[] {true, false, true}, new byte[][] {parity},
                new int[] {1}, 1, 4);
        assertThat(received[1]).containsExactly(data[1][0], data[1][1], data[1][2], data[1][3], 9, 9);
    }

    @Test
    void completeBlockIsLeftAsItIs() {
        ReedSolomon code = new ReedSolomon(4);
        byte[][] data = TestBlocks.random(4, 8, new Random(4));
        byte[][] received = Arrays.stream(data).map(byte[]::clone).toArray(byte[][]::new);
        boolean[] present = {true, true, true, true};
        new ErasureDecoder(code).decode(received, present, new byte[0][], new int[0], 0, 8);
        assertThat(received).isDeepEqualTo(data);
    }

    @Test
    void tooFewParityPacketsIsAClearError() {
        ReedSolomon code = new ReedSolomon(64);
        byte[][] data = TestBlocks.random(64, 8, new Random(5));
        boolean[] present = new boolean[64];
        Arrays.fill(present, true);
        present[3] = false;
        present[40] = false;
        present[63] = false;
        byte[][] parity = {new byte[8], new byte[8], new byte[8]};
        assertThatThrownBy(() -> new ErasureDecoder(code).decode(data, present, parity, new int[] {0, 1, 2}, 2, 8))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cannot rebuild 3 missing data packets of a block of k=64 from 2 parity packets:"
                        + " need at least 3");
    }

    @Test
    void repeatedParityIndexIsRejected() {
        ReedSolomon code = new ReedSolomon(4);
        byte[][] data = TestBlocks.random(4, 8, new Random(6));
        boolean[] lost = {true, false, true, false};
        assertThatThrownBy(() -> TestBlocks.roundTrip(code, new ErasureDecoder(code), data, lost, new int[] {7, 7}, 8))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("parity index 7 given twice");
    }

    @Test
    void parityIndexOutOfRangeIsRejected() {
        ReedSolomon code = new ReedSolomon(128);
        byte[][] data = TestBlocks.random(128, 8, new Random(7));
        boolean[] present = new boolean[128];
        Arrays.fill(present, true);
        present[0] = false;
        assertThatThrownBy(() -> new ErasureDecoder(code).decode(data, present, new byte[][] {new byte[8]},
                        new int[] {128}, 1, 8))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("parity index must be in 0..127 for k=128, was 128");
    }

    @Test
    void mismatchedBlockIsRejected() {
        ErasureDecoder decoder = new ErasureDecoder(new ReedSolomon(4));
        assertThatThrownBy(() -> decoder.decode(new byte[3][8], new boolean[4], new byte[0][], new int[0], 0, 8))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expected 4 data packets and presence flags, got 3 and 4");
        assertThatThrownBy(() -> decoder.decode(new byte[4][8], new boolean[4], new byte[0][], new int[0], 0, 9))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("data packet 0 has 8 bytes, needs 9");
    }

    private static boolean[] pickLost(int k, int count, Random random) {
        boolean[] lost = new boolean[k];
        for (int chosen = 0; chosen < count; ) {
            int i = random.nextInt(k);
            if (!lost[i]) {
                lost[i] = true;
                chosen++;
            }
        }
        return lost;
    }
}
