package dev.broadband.protocol.fec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class GaloisMatrixTest {

    @Test
    void inverseTimesMatrixIsIdentity() {
        Random random = new Random(7);
        for (int n = 1; n <= 20; n++) {
            byte[][] matrix = cauchy(n, random);
            byte[][] copy = copyOf(matrix);
            byte[][] inverse = new byte[n][n];
            GaloisMatrix.invert(copy, n, inverse);
            assertThat(multiply(inverse, matrix, n)).isDeepEqualTo(identity(n));
        }
    }

    @Test
    void usesOnlyTheTopLeftCorner() {
        byte[][] matrix = {{2, 3, 9}, {5, 7, 9}, {9, 9, 9}};
        byte[][] inverse = new byte[3][3];
        GaloisMatrix.invert(copyOf(matrix), 2, inverse);
        byte[][] corner = {{2, 3}, {5, 7}};
        byte[][] cornerInverse = {{inverse[0][0], inverse[0][1]}, {inverse[1][0], inverse[1][1]}};
        assertThat(multiply(cornerInverse, corner, 2)).isDeepEqualTo(identity(2));
    }

    @Test
    void needsRowSwapsWhenTheDiagonalStartsWithZero() {
        byte[][] matrix = {{0, 1}, {1, 0}};
        byte[][] inverse = new byte[2][2];
        GaloisMatrix.invert(copyOf(matrix), 2, inverse);
        assertThat(inverse).isDeepEqualTo(new byte[][] {{0, 1}, {1, 0}});
    }

    @Test
    void singularMatrixIsRejected() {
        byte[][] matrix = {{1, 2}, {1, 2}};
        assertThatThrownBy(() -> GaloisMatrix.invert(matrix, 2, new byte[2][2]))
                .isInstanceOf(IllegalStateException.class);
    }

    /** A Cauchy matrix on random distinct points, invertible by construction. */
    private static byte[][] cauchy(int n, Random random) {
        int[] points = random.ints(0, 256).distinct().limit(2L * n).toArray();
        byte[][] m = new byte[n][n];
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                m[r][c] = (byte) GaloisField.inverse(points[r] ^ points[n + c]);
            }
        }
        return m;
    }

    private static byte[][] multiply(byte[][] a, byte[][] b, int n) {
        byte[][] product = new byte[n][n];
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                int sum = 0;
                for (int i = 0; i < n; i++) {
                    sum ^= GaloisField.mul(a[r][i] & 0xFF, b[i][c] & 0xFF);
                }
                product[r][c] = (byte) sum;
            }
        }
        return product;
    }

    private static byte[][] identity(int n) {
        byte[][] id = new byte[n][n];
        for (int i = 0; i < n; i++) {
            id[i][i] = 1;
        }
        return id;
    }

    private static byte[][] copyOf(byte[][] m) {
        byte[][] copy = new byte[m.length][];
        for (int i = 0; i < m.length; i++) {
            copy[i] = m[i].clone();
        }
        return copy;
    }
}
