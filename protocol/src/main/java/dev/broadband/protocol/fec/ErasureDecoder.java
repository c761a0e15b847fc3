package dev.broadband.protocol.fec;

/**
 * Rebuilds a block's lost data packets from the data and parity packets a receiver holds.
 *
 * <p>Holds scratch space sized for the code's {@code k}, so decoding allocates nothing; for the
 * same reason one instance must not be used by two threads at once.
 */
public final class ErasureDecoder {
    private final ReedSolomon code;
    private final int k;
    private final int[] missing;
    private final byte[][] submatrix;
    private final byte[][] inverse;
    /** The present data packets, then the parity packets used, as planes; made for the packet length in use. */
    private CodingBlock inputs;
    private final byte[] rowCoefficients;

    public ErasureDecoder(ReedSolomon code) {
        this.code = code;
        this.k = code.dataCount();
        this.missing = new int[k];
        this.submatrix = new byte[k][k];
        this.inverse = new byte[k][k];
        this.rowCoefficients = new byte[k];
    }

    /** The number of data packets of the code: the block size this decoder rebuilds. */
    public int dataCount() {
        return k;
    }

    /**
     * Writes every data packet {@code i} with {@code present[i] == false} into {@code data[i]},
     * from the present data packets and the first {@code e} of the given parity packets, where
     * {@code e} is the number of missing data packets. Does nothing when none is missing.
     *
     * @param data the block's {@code k} packet buffers, each at least {@code len} bytes: the
     *     present ones hold received data, the others are overwritten; entries past the first
     *     {@code k} (here and in {@code present}) are ignored, so a short block can use the arrays
     *     of a whole one
     * @param present which entries of {@code data} hold received data
     * @param parity received parity packets; only the first {@code parityCount} are read
     * @param parityIndices the parity index of each entry of {@code parity}
     * @throws IllegalArgumentException if fewer parity packets than missing data packets are
     *     given, or a parity index is out of range or repeated among those used
     */
    public void decode(byte[][] data, boolean[] present, byte[][] parity, int[] parityIndices, int parityCount,
            int len) {
        if (data.length < k || present.length < k) {
            throw new IllegalArgumentException("expected " + k + " data packets and presence flags, got "
                    + data.length + " and " + present.length);
        }
        ReedSolomon.checkPacketLength(len);
        int e = 0;
        for (int i = 0; i < k; i++) {
            ReedSolomon.checkLength("data packet", i, data[i], len);
            if (!present[i]) {
                missing[e++] = i;
            }
        }
        if (e == 0) {
            return;
        }
        if (parityCount < e) {
            throw new IllegalArgumentException("cannot rebuild " + e + " missing data packets of a block of k=" + k
                    + " from " + parityCount + " parity packets: need at least " + e);
        }
        checkParity(parity, parityIndices, e, len);
        for (int r = 0; r < e; r++) {
            for (int c = 0; c < e; c++) {
                submatrix[r][c] = (byte) code.coefficient(parityIndices[r], missing[c]);
            }
        }
        GaloisMatrix.invert(submatrix, e, inverse);
        // Missing packet m is inverse[m] applied to the parity packets with the present data's
        // share removed. Folding that removal into the coefficients turns each rebuilt packet
        // into one linear combination of k received packets, the same cost as one parity packet.
        if (inputs == null || inputs.length() != len) {
            inputs = new CodingBlock(k, len);
        }
        int inputCount = 0;
        for (int i = 0; i < k; i++) {
            if (present[i]) {
                inputs.load(inputCount++, data[i], 0, len);
            }
        }
        for (int s = 0; s < e; s++) {
            inputs.load(inputCount + s, parity[s], 0, len);
        }
        for (int m = 0; m < e; m++) {
            byte[] inverseRow = inverse[m];
            int c = 0;
            for (int i = 0; i < k; i++) {
                if (present[i]) {
                    int sum = 0;
                    for (int s = 0; s < e; s++) {
                        sum ^= GaloisField.mul(inverseRow[s] & 0xFF, code.coefficient(parityIndices[s], i));
                    }
                    rowCoefficients[c++] = (byte) sum;
                }
            }
            System.arraycopy(inverseRow, 0, rowCoefficients, c, e);
            inputs.combine(rowCoefficients, k, data[missing[m]]);
        }
    }

    private void checkParity(byte[][] parity, int[] parityIndices, int used, int len) {
        for (int s = 0; s < used; s++) {
            code.checkParityIndex(parityIndices[s]);
            ReedSolomon.checkLength("parity packet", s, parity[s], len);
            for (int t = 0; t < s; t++) {
                if (parityIndices[t] == parityIndices[s]) {
                    throw new IllegalArgumentException("parity index " + parityIndices[s] + " given twice");
                }
            }
        }
    }
}
