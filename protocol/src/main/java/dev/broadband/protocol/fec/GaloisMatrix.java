package dev.broadband.protocol.fec;

/** Inversion of small square matrices over GF(256), for the decoder's erasure patterns. */
final class GaloisMatrix {
    private GaloisMatrix() {
    }

    /**
     * Writes the inverse of the top-left {@code n x n} of {@code matrix} into {@code inverse} by
     * Gauss–Jordan elimination. {@code matrix} is destroyed; both are caller-owned scratch so the
     * decoder allocates nothing per block.
     *
     * @throws IllegalStateException if the matrix is singular, which a Cauchy submatrix never is
     */
    static void invert(byte[][] matrix, int n, byte[][] inverse) {
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                inverse[r][c] = (byte) (r == c ? 1 : 0);
            }
        }
        for (int col = 0; col < n; col++) {
            int pivot = col;
            while (pivot < n && matrix[pivot][col] == 0) {
                pivot++;
            }
            if (pivot == n) {
                throw new IllegalStateException("singular matrix: the code is not MDS");
            }
            swap(matrix, pivot, col);
            swap(inverse, pivot, col);
            int scale = GaloisField.inverse(matrix[col][col] & 0xFF);
            scaleRow(matrix[col], n, scale);
            scaleRow(inverse[col], n, scale);
            for (int r = 0; r < n; r++) {
                int factor = matrix[r][col] & 0xFF;
                if (r != col && factor != 0) {
                    subtractScaled(matrix[r], matrix[col], n, factor);
                    subtractScaled(inverse[r], inverse[col], n, factor);
                }
            }
        }
    }

    private static void swap(byte[][] rows, int a, int b) {
        byte[] t = rows[a];
        rows[a] = rows[b];
        rows[b] = t;
    }

    private static void scaleRow(byte[] row, int n, int scale) {
        for (int c = 0; c < n; c++) {
            row[c] = (byte) GaloisField.mul(row[c] & 0xFF, scale);
        }
    }

    private static void subtractScaled(byte[] target, byte[] source, int n, int factor) {
        for (int c = 0; c < n; c++) {
            target[c] ^= (byte) GaloisField.mul(source[c] & 0xFF, factor);
        }
    }
}
