package dev.broadband.protocol.fec;

import java.util.Arrays;
import java.util.Random;

/** Test data: random blocks and a sender/receiver round trip through the codec. */
final class TestBlocks {
    private TestBlocks() {
    }

    static byte[][] random(int k, int len, Random random) {
        byte[][] data = new byte[k][len];
        for (byte[] packet : data) {
            random.nextBytes(packet);
        }
        return data;
    }

    /**
     * Encodes the given parity packets, loses the data packets marked in {@code lost} (their
     * buffers are scribbled over, as a receiver's would hold garbage), decodes, and returns the
     * receiver's data buffers.
     */
    static byte[][] roundTrip(ReedSolomon code, ErasureDecoder decoder, byte[][] data, boolean[] lost, int[] parityIndices, int len) {
        int k = code.dataCount();
        byte[][] parity = new byte[parityIndices.length][len];
        for (int s = 0; s < parityIndices.length; s++) {
            code.encodeParity(data, len, parityIndices[s], parity[s]);
        }
        byte[][] received = new byte[k][];
        boolean[] present = new boolean[k];
        for (int i = 0; i < k; i++) {
            received[i] = data[i].clone();
            present[i] = !lost[i];
            if (lost[i]) {
                Arrays.fill(received[i], (byte) 0xEE);
            }
        }
        decoder.decode(received, present, parity, parityIndices, parityIndices.length, len);
        return received;
    }
}
