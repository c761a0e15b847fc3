package dev.broadband.protocol.fec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GaloisFieldTest {

    /** Shift-and-add multiplication: slow, but independent of the log/exp tables under test. */
    private static int slowMul(int a, int b) {
        int product = 0;
        while (b != 0) {
            if ((b & 1) != 0) {
                product ^= a;
            }
            a <<= 1;
            if ((a & 0x100) != 0) {
                a ^= GaloisField.POLYNOMIAL;
            }
            b >>= 1;
        }
        return product;
    }

    @Test
    void productTableMatchesShiftAndAddForEveryPair() {
        for (int a = 0; a < 256; a++) {
            for (int b = 0; b < 256; b++) {
                assertThat(GaloisField.mul(a, b)).as("%d * %d", a, b).isEqualTo(slowMul(a, b));
                assertThat(GaloisField.productRow(a)[b] & 0xFF).isEqualTo(slowMul(a, b));
            }
        }
    }

    @Test
    void knownProducts() {
        assertThat(GaloisField.mul(2, 0x80)).isEqualTo(0x1D);
        assertThat(GaloisField.mul(3, 7)).isEqualTo(9);
        assertThat(GaloisField.mul(0, 0xAB)).isZero();
        assertThat(GaloisField.mul(1, 0xAB)).isEqualTo(0xAB);
    }

    @Test
    void everyNonZeroElementHasAnInverse() {
        for (int a = 1; a < 256; a++) {
            assertThat(GaloisField.mul(a, GaloisField.inverse(a))).as("%d * 1/%d", a, a).isEqualTo(1);
        }
    }

    @Test
    void divisionUndoesMultiplication() {
        for (int a = 0; a < 256; a++) {
            for (int b = 1; b < 256; b++) {
                assertThat(GaloisField.div(GaloisField.mul(a, b), b)).isEqualTo(a);
            }
        }
    }

    @Test
    void divisionByZeroFails() {
        assertThatThrownBy(() -> GaloisField.div(5, 0)).isInstanceOf(ArithmeticException.class);
        assertThatThrownBy(() -> GaloisField.inverse(0)).isInstanceOf(ArithmeticException.class);
    }

    @Test
    void twoGeneratesTheMultiplicativeGroup() {
        Set<Integer> powers = new HashSet<>();
        int power = 1;
        for (int n = 0; n < 255; n++) {
            powers.add(power);
            power = GaloisField.mul(power, 2);
        }
        assertThat(powers).hasSize(255).doesNotContain(0);
        assertThat(power).isEqualTo(1);
    }

    @Test
    void fieldAxiomsOnRandomTriples() {
        Random random = new Random(42);
        for (int t = 0; t < 100_000; t++) {
            int a = random.nextInt(256);
            int b = random.nextInt(256);
            int c = random.nextInt(256);
            assertThat(GaloisField.mul(a, b)).isEqualTo(GaloisField.mul(b, a));
            assertThat(GaloisField.mul(GaloisField.mul(a, b), c)).isEqualTo(GaloisField.mul(a, GaloisField.mul(b, c)));
            assertThat(GaloisField.mul(a, b ^ c)).isEqualTo(GaloisField.mul(a, b) ^ GaloisField.mul(a, c));
        }
    }
}
