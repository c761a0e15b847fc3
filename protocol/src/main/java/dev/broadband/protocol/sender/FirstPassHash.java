package dev.broadband.protocol.sender;

import dev.broadband.protocol.session.Sha256;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The image's SHA-256, taken from the blocks as the sender reads them in order on the carousel's first pass. No
 * transfer waits for a hash of the whole image (a minute and more for a large one), and the image is read once,
 * not twice. Clients cannot finish before the first pass has ended, and wait for the hash if it comes later.
 *
 * <p>The hashing runs on a thread of its own, from copies of the blocks: on the sending thread it took a quarter of
 * that thread's time at 2.5 Gbit/s (perf, 1 GiB on a jumbo-frame segment), which a second core can take instead.
 * A few blocks may wait for it; past that, {@link #offer} waits, so the hash never falls behind by more.
 */
final class FirstPassHash implements AutoCloseable {
    /** Blocks copied and waiting for the hashing thread: enough to ride out its scheduling, little memory. */
    static final int QUEUE_BLOCKS = 8;

    private final int blockCount;
    private final BlockingQueue<ByteBuffer> waiting = new ArrayBlockingQueue<>(QUEUE_BLOCKS);
    private final BlockingQueue<ByteBuffer> spare = new ArrayBlockingQueue<>(QUEUE_BLOCKS + 1);
    private final Thread hasher;
    private int next;
    private volatile Sha256 result;

    FirstPassHash(int blockCount) {
        this.blockCount = blockCount;
        MessageDigest digest = Sha256.newDigest();
        if (blockCount == 0) {
            result = Sha256.of(digest.digest());
            hasher = null;
            return;
        }
        hasher = new Thread(() -> hashAll(digest), "first-pass-hash");
        hasher.setDaemon(true);
        hasher.start();
    }

    private void hashAll(MessageDigest digest) {
        try {
            for (int i = 0; i < blockCount; i++) {
                ByteBuffer block = waiting.take();
                Sha256.update(digest, block);
                spare.offer(block);
            }
            result = Sha256.of(digest.digest());
        } catch (InterruptedException e) {
            // The session ended before its first pass did: there is no hash to take.
        }
    }

    /** Takes a block just read; only the next one in image order counts, repeats and repairs are ignored. */
    void offer(int block, ByteBuffer data) {
        if (block != next || next == blockCount) {
            return;
        }
        ByteBuffer copy = spare.poll();
        if (copy == null || copy.capacity() < data.remaining()) {
            copy = ByteBuffer.allocate(data.remaining());
        }
        copy.clear();
        copy.put(data.duplicate()).flip();
        try {
            waiting.put(copy);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while handing a block to the hash", e);
        }
        next++;
    }

    /** The hash, or null while blocks are still to come or being hashed. */
    Sha256 result() {
        return result;
    }

    /** Stops the hashing thread of a session that ends before its first pass did. */
    @Override
    public void close() {
        if (hasher != null) {
            hasher.interrupt();
        }
    }
}
