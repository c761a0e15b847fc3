package dev.broadband.protocol.sender;

import static org.assertj.core.api.Assertions.assertThat;

import dev.broadband.protocol.session.Sha256;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FirstPassHashTest {
    private static final byte[][] BLOCKS = new byte[3][];

    static {
        SplittableRandom random = new SplittableRandom(9);
        for (int i = 0; i < BLOCKS.length; i++) {
            BLOCKS[i] = new byte[1000 + i];
            random.nextBytes(BLOCKS[i]);
        }
    }

    private static Sha256 wholeImage() {
        MessageDigest digest = Sha256.newDigest();
        for (byte[] block : BLOCKS) {
            digest.update(block);
        }
        return Sha256.of(digest.digest());
    }

    @Test
    void blocksInOrderGiveTheImagesHashOnlyOnceTheLastIsIn() {
        FirstPassHash hash = new FirstPassHash(BLOCKS.length);
        hash.offer(0, ByteBuffer.wrap(BLOCKS[0]));
        hash.offer(1, ByteBuffer.wrap(BLOCKS[1]));
        assertThat(hash.result()).isNull();
        hash.offer(2, ByteBuffer.wrap(BLOCKS[2]));
        assertThat(hash.result()).isEqualTo(wholeImage());
    }

    @Test
    void repairsOfEarlierBlocksAndBlocksAheadOfTurnDoNotCount() {
        FirstPassHash hash = new FirstPassHash(BLOCKS.length);
        hash.offer(0, ByteBuffer.wrap(BLOCKS[0]));
        hash.offer(2, ByteBuffer.wrap(BLOCKS[2]));
        hash.offer(0, ByteBuffer.wrap(BLOCKS[0]));
        hash.offer(1, ByteBuffer.wrap(BLOCKS[1]));
        assertThat(hash.result()).isNull();
        hash.offer(2, ByteBuffer.wrap(BLOCKS[2]));
        hash.offer(1, ByteBuffer.wrap(BLOCKS[1]));
        assertThat(hash.result()).isEqualTo(wholeImage());
    }

    @Test
    void theBlockIsLeftAsItWasForSending() {
        FirstPassHash hash = new FirstPassHash(1);
        ByteBuffer block = ByteBuffer.wrap(BLOCKS[0]);
        hash.offer(0, block);
        assertThat(block.position()).isZero();
        assertThat(block.remaining()).isEqualTo(BLOCKS[0].length);
    }
}
