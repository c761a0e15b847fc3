package dev.broadband.protocol.fec;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Packets of one block read into the bit planes the code works on, so that any number of linear combinations of
 * them (parity packets, rebuilt data packets) is computed without reading them again: the codec's one hot loop.
 *
 * <p>A packet of {@code len} bytes is read as 8 bit planes of {@code P = len / 8} bytes (plane {@code j} is bytes
 * {@code [j·P, (j+1)·P)}) and a tail of {@code len % 8} bytes. Symbol {@code (t, b)} of the planes is the byte whose
 * bit {@code j} is bit {@code b} of byte {@code t} of plane {@code j}; a tail byte is a symbol as it stands.
 * Multiplying every symbol by a constant {@code c} is then a linear map of the planes over GF(2): output plane
 * {@code r} is the XOR of the input planes {@code j} for which bit {@code r} of {@code c·x^j} is set. The work becomes
 * XORs of whole planes, which the JIT compiles to vector instructions, where one table lookup per byte cannot be
 * vectorised in Java 17. Both ends must read packets the same way: docs/protocol.md, "Symbols".
 *
 * <p>Each plane is copied into an array of its own, because the JIT of Java 17 vectorises an XOR loop only when both
 * arrays are indexed from the same offset. Holds scratch space for the output too: one thread at a time.
 */
public final class CodingBlock {
    private static final int PLANES = 8;
    /** {@code ROWS[c][r]} has bit {@code j} set when bit {@code r} of {@code c·x^j} is: which planes feed plane r. */
    private static final byte[][] ROWS = new byte[256][PLANES];

    static {
        for (int c = 0; c < 256; c++) {
            for (int j = 0; j < PLANES; j++) {
                int product = GaloisField.mul(c, 1 << j);
                for (int r = 0; r < PLANES; r++) {
                    if ((product >>> r & 1) != 0) {
                        ROWS[c][r] |= (byte) (1 << j);
                    }
                }
            }
        }
    }

    private final int len;
    private final int plane;
    /** {@code packets[i][j]}: plane j of packet i, and at j = 8 its tail. */
    private final byte[][][] packets;
    private final byte[][] output = new byte[PLANES][];

    /** Room for {@code capacity} packets of {@code len} bytes. */
    public CodingBlock(int capacity, int len) {
        ReedSolomon.checkPacketLength(len);
        this.len = len;
        this.plane = len / PLANES;
        this.packets = new byte[capacity][PLANES + 1][];
        for (byte[][] packet : packets) {
            for (int j = 0; j < PLANES; j++) {
                packet[j] = new byte[plane];
            }
            packet[PLANES] = new byte[len - PLANES * plane];
        }
        for (int r = 0; r < PLANES; r++) {
            output[r] = new byte[plane];
        }
    }

    /** Bytes per packet. */
    public int length() {
        return len;
    }

    /** Packets it has room for. */
    public int capacity() {
        return packets.length;
    }

    /** Reads packet {@code index}: {@code length} bytes of {@code source} from {@code offset}, then zeros up to {@link #length()}. */
    public void load(int index, byte[] source, int offset, int length) {
        load(index, ByteBuffer.wrap(source), offset, length);
    }

    /** As {@link #load(int, byte[], int, int)}, from a buffer's absolute positions (the sender's blocks are direct). */
    public void load(int index, ByteBuffer source, int offset, int length) {
        if (length < 0 || length > len) {
            throw new IllegalArgumentException("packet " + index + " has " + length + " bytes, the block's take " + len);
        }
        byte[][] planes = packets[index];
        for (int j = 0; j <= PLANES; j++) {
            int start = j * plane;
            int size = planes[j].length;
            int given = Math.max(0, Math.min(size, length - start));
            if (given > 0) {
                // A buffer checks even an empty read against its limit, which a short last block ends early.
                source.get(offset + start, planes[j], 0, given);
            }
            Arrays.fill(planes[j], given, size, (byte) 0);
        }
    }

    /** Sets {@code out[0, length())} to the sum of {@code coefficients[i] * packet i} for {@code i < count}. */
    void combine(byte[] coefficients, int count, byte[] out) {
        for (byte[] o : output) {
            Arrays.fill(o, (byte) 0);
        }
        int tail = PLANES * plane;
        Arrays.fill(out, tail, len, (byte) 0);
        for (int i = 0; i < count; i++) {
            int c = coefficients[i] & 0xFF;
            byte[] rows = ROWS[c];
            byte[][] in = packets[i];
            for (int r = 0; r < PLANES; r++) {
                byte[] o = output[r];
                for (int row = rows[r] & 0xFF; row != 0; row &= row - 1) {
                    xor(in[Integer.numberOfTrailingZeros(row)], o);
                }
            }
            byte[] products = GaloisField.productRow(c);
            byte[] inTail = in[PLANES];
            for (int t = 0; t < inTail.length; t++) {
                out[tail + t] ^= products[inTail[t] & 0xFF];
            }
        }
        for (int r = 0; r < PLANES; r++) {
            System.arraycopy(output[r], 0, out, r * plane, plane);
        }
    }

    /** A loop of this one shape, both arrays from index 0, is what the JIT turns into vector XORs. */
    private static void xor(byte[] from, byte[] into) {
        for (int i = 0; i < into.length; i++) {
            into[i] ^= from[i];
        }
    }
}
