package dev.broadband.protocol.fec;

import java.util.Arrays;

/** The codec's one hot loop: a GF(256) linear combination of equal-length byte vectors. */
final class LinearCombination {
    private LinearCombination() {
    }

    /**
     * Sets {@code out[0, len)} to the sum of {@code coefficients[c] * inputs[c][0, len)} for
     * {@code c < count}.
     *
     * <p>Four inputs share one pass over {@code out}: in a JMH run on a shared 2-core machine
     * that was about a third faster than one pass per input, because the output is loaded and
     * stored a quarter as often; eight per pass gained nothing more. Reading the inputs as longs
     * did not beat plain byte lookups either, since every byte still needs its own table load.
     */
    static void compute(byte[] coefficients, byte[][] inputs, int count, byte[] out, int len) {
        Arrays.fill(out, 0, len, (byte) 0);
        int c = 0;
        for (; c + 4 <= count; c += 4) {
            byte[] t0 = GaloisField.productRow(coefficients[c] & 0xFF);
            byte[] t1 = GaloisField.productRow(coefficients[c + 1] & 0xFF);
            byte[] t2 = GaloisField.productRow(coefficients[c + 2] & 0xFF);
            byte[] t3 = GaloisField.productRow(coefficients[c + 3] & 0xFF);
            byte[] in0 = inputs[c];
            byte[] in1 = inputs[c + 1];
            byte[] in2 = inputs[c + 2];
            byte[] in3 = inputs[c + 3];
            for (int i = 0; i < len; i++) {
                out[i] ^= (byte) (t0[in0[i] & 0xFF] ^ t1[in1[i] & 0xFF] ^ t2[in2[i] & 0xFF] ^ t3[in3[i] & 0xFF]);
            }
        }
        for (; c < count; c++) {
            byte[] t = GaloisField.productRow(coefficients[c] & 0xFF);
            byte[] in = inputs[c];
            for (int i = 0; i < len; i++) {
                out[i] ^= t[in[i] & 0xFF];
            }
        }
    }
}
