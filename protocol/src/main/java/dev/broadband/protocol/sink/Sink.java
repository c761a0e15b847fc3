package dev.broadband.protocol.sink;

import dev.broadband.protocol.session.Sha256;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.DoubleConsumer;

/** Where a receiver puts the image. */
public interface Sink extends Closeable {
    /**
     * Writes {@code data} (position to limit) at {@code offset} of the image.
     * @return false when the sink cannot take it now (stdout past its reorder buffer): the caller forgets the data
     */
    boolean write(long offset, ByteBuffer data) throws IOException;

    /** Whether single packets may be written anywhere at any time (a file or device can; stdout cannot). */
    boolean randomAccess();

    /** Whether the target was just created and so holds nothing of any image worth comparing. */
    default boolean blank() {
        return false;
    }

    /** The bytes [offset, offset + length) are all written and final: a sink may start verifying them. */
    default void completed(long offset, long length) throws IOException {}

    /** Makes [offset, offset + length) zero: an all-zero chunk of an image sent as chunks. */
    default void zero(long offset, int length) throws IOException {
        write(offset, ByteBuffer.allocate(length));
    }

    /** Reads back what was written at {@code offset} into {@code dst}; only sinks with {@link #randomAccess()}. */
    default void read(long offset, ByteBuffer dst) throws IOException {
        throw new UnsupportedOperationException(description() + " cannot be read back");
    }

    /**
     * Makes what was written durable and returns the SHA-256 of what the sink now holds: read back from a file or
     * device after fsync, or of the bytes emitted to stdout. Called once every byte is {@link #completed}.
     */
    Sha256 finish(DoubleConsumer progress) throws IOException;

    String description();
}
