package dev.broadband.protocol.sender;

import dev.broadband.protocol.session.Sha256;
import java.nio.ByteBuffer;
import java.security.MessageDigest;

/**
 * The image's SHA-256, taken from the blocks as the sender reads them in order on the carousel's first pass. No
 * transfer waits for a hash of the whole image (a minute and more for a large one), and the image is read once,
 * not twice. Clients cannot finish before the first pass has ended, so the hash is known before anyone needs it.
 */
final class FirstPassHash {
    private final MessageDigest digest = Sha256.newDigest();
    private final int blockCount;
    private int next;
    private Sha256 result;

    FirstPassHash(int blockCount) {
        this.blockCount = blockCount;
        if (blockCount == 0) {
            result = Sha256.of(digest.digest());
        }
    }

    /** Takes a block just read; only the next one in image order counts, repeats and repairs are ignored. */
    void offer(int block, ByteBuffer data) {
        if (block != next || result != null) {
            return;
        }
        Sha256.update(digest, data.duplicate());
        if (++next == blockCount) {
            result = Sha256.of(digest.digest());
        }
    }

    /** The hash, or null while blocks are still to come. */
    Sha256 result() {
        return result;
    }
}
