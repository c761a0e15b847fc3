package dev.broadband.protocol.sink;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.function.LongFunction;

/** Reads from files and devices at a position, which one read call may do only in part. */
public final class FileChannels {
    private FileChannels() {}

    /**
     * Fills {@code dst} up to its limit from {@code position} on.
     * @param endedAt the message of the error when the file ends first, given the position where it ended
     */
    public static void readFully(FileChannel channel, ByteBuffer dst, long position, LongFunction<String> endedAt)
            throws IOException {
        long at = position;
        while (dst.hasRemaining()) {
            int n = channel.read(dst, at);
            if (n < 0) {
                throw new IOException(endedAt.apply(at));
            }
            at += n;
        }
    }
}
