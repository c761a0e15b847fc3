package dev.broadband.protocol.fec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CodingBlockTest {

    /** The sender loads the image's short last packet, into planes that held a whole packet of an earlier block. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 8, 100, 1447})
    void aShortPacketReadsAsZeroPaddedEvenWherePlanesHeldALongerOne(int length) {
        int len = 1448;
        ReedSolomon code = new ReedSolomon(3);
        byte[][] data = TestBlocks.random(3, len, new Random(length));
        CodingBlock block = new CodingBlock(3, len);
        for (int i = 0; i < 3; i++) {
            block.load(i, data[i], 0, len);
        }
        // As the sender holds it: in direct memory, the buffer's limit where the image ends.
        ByteBuffer source = ByteBuffer.allocateDirect(10 + len);
        source.put(10, data[2], 0, length).limit(10 + length);
        block.load(2, source, 10, length);

        byte[][] padded = {data[0], data[1], Arrays.copyOf(Arrays.copyOf(data[2], length), len)};
        byte[] expected = new byte[len];
        byte[] actual = new byte[len];
        code.encodeParity(padded, len, 5, expected);
        code.encodeParity(block, 5, actual);
        assertThat(actual).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 1449})
    void aPacketLongerThanTheBlocksOrOfNegativeLengthIsRefused(int length) {
        CodingBlock block = new CodingBlock(2, 1448);
        assertThatThrownBy(() -> block.load(0, new byte[2000], 0, length))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("the block's take 1448");
    }
}
