package dev.broadband.protocol.sink;

import dev.broadband.protocol.session.Sha256;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.DoubleConsumer;

/**
 * Hashes what a file or device holds by reading it back, chunk by chunk, as soon as a contiguous run from the
 * start is complete: every chunk is fsynced, then read back and hashed, on a thread of its own. Verification thus
 * runs alongside the transfer instead of after it, and the hash code is hot long before the last block arrives.
 */
final class ReadBackVerifier {
    private static final long CHUNK = 16L << 20;
    private static final long IDLE_PARK_NANOS = 50_000_000L;

    private final FileChannel channel;
    private final long imageSize;
    private final String name;
    private final TreeMap<Long, Long> ahead = new TreeMap<>();
    private long prefix;
    private volatile long ready;
    private volatile boolean finishing;
    private volatile long hashed;
    private final MessageDigest digest = Sha256.newDigest();
    private IOException failure;
    private Thread thread;

    ReadBackVerifier(FileChannel channel, long imageSize, String name) {
        this.channel = channel;
        this.imageSize = imageSize;
        this.name = name;
    }

    /** Bytes [offset, offset + length) are written and final. Called by the receiving thread. */
    void completed(long offset, long length) {
        ahead.put(offset, offset + length);
        for (Map.Entry<Long, Long> next = ahead.firstEntry(); next != null && next.getKey() <= prefix;
             next = ahead.firstEntry()) {
            ahead.pollFirstEntry();
            prefix = Math.max(prefix, next.getValue());
        }
        if (prefix - ready >= CHUNK || prefix == imageSize) {
            ready = prefix;
            start();
            LockSupport.unpark(thread);
        }
    }

    private synchronized void start() {
        if (thread == null) {
            thread = new Thread(this::run, "read-back " + name);
            thread.setDaemon(true);
            thread.start();
        }
    }

    private void run() {
        ByteBuffer buffer = ByteBuffer.allocateDirect(4 << 20);
        try {
            while (hashed < imageSize) {
                long target = finishing ? imageSize : ready;
                if (target - hashed >= CHUNK || (finishing && target > hashed)) {
                    channel.force(false);
                    hash(buffer, target);
                } else {
                    LockSupport.parkNanos(this, IDLE_PARK_NANOS);
                }
            }
        } catch (IOException e) {
            failure = e;
        }
    }

    private void hash(ByteBuffer buffer, long target) throws IOException {
        while (hashed < target) {
            int n = (int) Math.min(buffer.capacity(), target - hashed);
            buffer.clear().limit(n);
            FileChannels.readFully(channel, buffer, hashed,
                    at -> name + " ended at " + at + " bytes while reading it back");
            buffer.flip();
            Sha256.update(digest, buffer);
            hashed += n;
        }
    }

    /** Once everything is written: syncs the rest, reads it back, and returns the SHA-256 of the whole image. */
    Sha256 finish(DoubleConsumer progress) throws IOException {
        finishing = true;
        start();
        LockSupport.unpark(thread);
        try {
            while (thread.isAlive()) {
                thread.join(100);
                progress.accept(imageSize == 0 ? 1 : (double) hashed / imageSize);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading back " + name);
        }
        if (failure != null) {
            throw failure;
        }
        channel.force(true);
        return Sha256.of(digest.digest());
    }
}
