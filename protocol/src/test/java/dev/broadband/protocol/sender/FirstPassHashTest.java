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

    /** The hash is taken on a thread of its own: waits for it, up to a deadline. */
    static Sha256 awaitResult(FirstPassHash hash) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (hash.result() == null && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        return hash.result();
    }

    @Test
    void blocksInOrderGiveTheImagesHashOnlyOnceTheLastIsIn() throws InterruptedException {
        FirstPassHash hash = new FirstPassHash(BLOCKS.length);
        hash.offer(0, ByteBuffer.wrap(BLOCKS[0]));
        hash.offer(1, ByteBuffer.wrap(BLOCKS[1]));
        Thread.sleep(50);
        assertThat(hash.result()).isNull();
        hash.offer(2, ByteBuffer.wrap(BLOCKS[2]));
        assertThat(awaitResult(hash)).isEqualTo(wholeImage());
    }

    @Test
    void aBlockChangedAfterItWasOfferedDoesNotChangeTheHash() throws InterruptedException {
        FirstPassHash hash = new FirstPassHash(BLOCKS.length);
        for (int i = 0; i < BLOCKS.length; i++) {
            byte[] reused = BLOCKS[i].clone();
            hash.offer(i, ByteBuffer.wrap(reused));
            // The sender reuses a block's buffer for another once it went out; the hash took its own copy.
            reused[0] ^= 1;
        }
        assertThat(awaitResult(hash)).isEqualTo(wholeImage());
    }

    @Test
    void moreBlocksThanTheQueueHoldsAllCountInOrder() throws InterruptedException {
        int count = FirstPassHash.QUEUE_BLOCKS * 4;
        byte[][] blocks = new byte[count][];
        MessageDigest digest = Sha256.newDigest();
        SplittableRandom random = new SplittableRandom(3);
        FirstPassHash hash = new FirstPassHash(count);
        for (int i = 0; i < count; i++) {
            blocks[i] = new byte[4096 - i];
            random.nextBytes(blocks[i]);
            digest.update(blocks[i]);
            hash.offer(i, ByteBuffer.wrap(blocks[i]));
        }
        assertThat(awaitResult(hash)).isEqualTo(Sha256.of(digest.digest()));
    }

    @Test
    void repairsOfEarlierBlocksAndBlocksAheadOfTurnDoNotCount() throws InterruptedException {
        FirstPassHash hash = new FirstPassHash(BLOCKS.length);
        hash.offer(0, ByteBuffer.wrap(BLOCKS[0]));
        hash.offer(2, ByteBuffer.wrap(BLOCKS[2]));
        hash.offer(0, ByteBuffer.wrap(BLOCKS[0]));
        hash.offer(1, ByteBuffer.wrap(BLOCKS[1]));
        assertThat(hash.result()).isNull();
        hash.offer(2, ByteBuffer.wrap(BLOCKS[2]));
        hash.offer(1, ByteBuffer.wrap(BLOCKS[1]));
        assertThat(awaitResult(hash)).isEqualTo(wholeImage());
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
