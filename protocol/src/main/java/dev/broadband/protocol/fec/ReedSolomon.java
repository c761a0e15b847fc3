package dev.broadband.protocol.fec;

/**
 * A systematic Reed–Solomon erasure code over GF(256) for blocks of {@code k} data packets.
 *
 * <p>Parity packet {@code j} (0 ≤ j &lt; {@link #maxParity()}) is the sum over data packets
 * {@code i} of {@code data[i] / ((k + j) XOR i)}: a Cauchy matrix with rows {@code x_j = k + j}
 * and columns {@code y_i = i}. Every square submatrix of a Cauchy matrix is invertible, so the
 * data packets plus any parity packets form an MDS code (any {@code k} of them rebuild the
 * block), and each parity row depends on nothing but its own index. The sender can therefore
 * make parity {@code j} on demand without making {@code 0..j-1}.
 *
 * <p>Immutable and safe to share between threads; the scratch space of encoding is in a {@link CodingBlock}.
 */
public final class ReedSolomon {
    /** GF(256) has 256 distinct points for the Cauchy rows and columns together. */
    public static final int MAX_SYMBOLS = 256;

    private final int k;
    /** {@code parityRows[j][i]}: built once (at most 16 KiB, at k = 128) so encoding does no field division. */
    private final byte[][] parityRows;

    public ReedSolomon(int k) {
        if (k < 1 || k >= MAX_SYMBOLS) {
            throw new IllegalArgumentException("k must be in 1.." + (MAX_SYMBOLS - 1) + ", was " + k);
        }
        this.k = k;
        this.parityRows = new byte[MAX_SYMBOLS - k][k];
        for (int j = 0; j < parityRows.length; j++) {
            for (int i = 0; i < k; i++) {
                parityRows[j][i] = (byte) GaloisField.inverse((k + j) ^ i);
            }
        }
    }

    /** Data packets per block. */
    public int dataCount() {
        return k;
    }

    /** Number of distinct parity packets; valid parity indices are {@code 0..maxParity()-1}. */
    public int maxParity() {
        return parityRows.length;
    }

    /**
     * Writes parity packet {@code parityIndex} of one block into {@code out[0, len)}, reading the packets for this one
     * parity packet; the sender, which makes many of one block, reads them once into a {@link CodingBlock}.
     *
     * @param data the block's {@code k} data packets, each at least {@code len} bytes (the caller
     *     zero-pads a short last packet so every packet of the block has the same length); entries past
     *     the first {@code k} are ignored, so a short block can use the arrays of a whole one
     */
    public void encodeParity(byte[][] data, int len, int parityIndex, byte[] out) {
        if (data.length < k) {
            throw new IllegalArgumentException("expected " + k + " data packets, got " + data.length);
        }
        checkParityIndex(parityIndex);
        checkPacketLength(len);
        for (int i = 0; i < k; i++) {
            checkLength("data packet", i, data[i], len);
        }
        CodingBlock block = new CodingBlock(k, len);
        for (int i = 0; i < k; i++) {
            block.load(i, data[i], 0, len);
        }
        encodeParity(block, parityIndex, out);
    }

    /**
     * Writes parity packet {@code parityIndex} of the block whose {@code k} data packets {@code block} holds (loaded at
     * 0..k-1) into {@code out[0, block.length())}: for many parity packets of one block, it reads the data once.
     */
    public void encodeParity(CodingBlock block, int parityIndex, byte[] out) {
        checkParityIndex(parityIndex);
        if (block.capacity() < k) {
            throw new IllegalArgumentException("the block holds " + block.capacity() + " packets, the code needs " + k);
        }
        if (out.length < block.length()) {
            throw new IllegalArgumentException("parity output has " + out.length + " bytes, needs " + block.length());
        }
        block.combine(parityRows[parityIndex], k, out);
    }

    /** The coefficient of data packet {@code dataIndex} in parity packet {@code parityIndex}. */
    int coefficient(int parityIndex, int dataIndex) {
        return parityRows[parityIndex][dataIndex] & 0xFF;
    }

    void checkParityIndex(int parityIndex) {
        if (parityIndex < 0 || parityIndex >= parityRows.length) {
            throw new IllegalArgumentException(
                    "parity index must be in 0.." + (parityRows.length - 1) + " for k=" + k + ", was " + parityIndex);
        }
    }

    static void checkPacketLength(int len) {
        if (len < 0) {
            throw new IllegalArgumentException("packet length must not be negative, was " + len);
        }
    }

    /** Takes the parts of the message separately so that the common, passing case allocates nothing. */
    static void checkLength(String what, int index, byte[] buffer, int len) {
        if (buffer.length < len) {
            throw new IllegalArgumentException(what + " " + index + " has " + buffer.length + " bytes, needs " + len);
        }
    }
}
