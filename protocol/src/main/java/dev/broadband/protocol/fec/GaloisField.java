package dev.broadband.protocol.fec;

/**
 * Arithmetic in GF(2^8) over the polynomial x^8 + x^4 + x^3 + x^2 + 1 (0x11D), the field most
 * Reed–Solomon codecs use. Addition is XOR and needs no method here.
 */
public final class GaloisField {
    static final int POLYNOMIAL = 0x11D;

    private static final int[] LOG = new int[256];
    /** Twice the period long, so {@code EXP[LOG[a] + LOG[b]]} needs no reduction modulo 255. */
    private static final int[] EXP = new int[2 * 255];
    /** The full product table: one 256-byte row per constant keeps the codec's inner loop a single lookup. */
    private static final byte[][] PRODUCTS = new byte[256][256];

    static {
        int x = 1;
        for (int i = 0; i < 255; i++) {
            EXP[i] = x;
            EXP[i + 255] = x;
            LOG[x] = i;
            x <<= 1;
            if (x > 0xFF) {
                x ^= POLYNOMIAL;
            }
        }
        for (int a = 1; a < 256; a++) {
            for (int b = 1; b < 256; b++) {
                PRODUCTS[a][b] = (byte) EXP[LOG[a] + LOG[b]];
            }
        }
    }

    private GaloisField() {
    }

    public static int mul(int a, int b) {
        return PRODUCTS[a][b] & 0xFF;
    }

    public static int div(int a, int b) {
        if (b == 0) {
            throw new ArithmeticException("division by zero in GF(256)");
        }
        return a == 0 ? 0 : EXP[LOG[a] + 255 - LOG[b]];
    }

    public static int inverse(int a) {
        return div(1, a);
    }

    /** The products {@code c * x} for every x; shared, callers must not write to it. */
    static byte[] productRow(int c) {
        return PRODUCTS[c];
    }
}
