package dev.broadband.protocol.sink;

import dev.broadband.protocol.session.Sha256;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.security.MessageDigest;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.DoubleConsumer;

/**
 * A sequential stream such as stdout. Blocks arrive in any order; those ahead of the stream wait in a reorder
 * buffer of at most {@code maxBuffered} bytes. A block that does not fit is refused, so the receiver asks for it
 * again later rather than growing without bound. The digest is of exactly the bytes emitted.
 */
public final class StreamSink implements Sink {
    private final WritableByteChannel out;
    private final String description;
    private final long maxBuffered;
    private final long imageSize;
    private final MessageDigest digest = Sha256.newDigest();
    private final TreeMap<Long, byte[]> waiting = new TreeMap<>();
    private long buffered;
    private long emitted;

    public StreamSink(WritableByteChannel out, String description, long imageSize, long maxBuffered) {
        this.out = out;
        this.description = description;
        this.imageSize = imageSize;
        this.maxBuffered = maxBuffered;
    }

    @Override
    public boolean write(long offset, ByteBuffer data) throws IOException {
        if (offset < emitted || waiting.containsKey(offset)) {
            return true;
        }
        if (offset > emitted) {
            if (buffered + data.remaining() > maxBuffered) {
                return false;
            }
            byte[] copy = new byte[data.remaining()];
            data.get(copy);
            waiting.put(offset, copy);
            buffered += copy.length;
            return true;
        }
        emit(data);
        for (Map.Entry<Long, byte[]> next = waiting.firstEntry(); next != null && next.getKey() == emitted;
             next = waiting.firstEntry()) {
            waiting.pollFirstEntry();
            buffered -= next.getValue().length;
            emit(ByteBuffer.wrap(next.getValue()));
        }
        return true;
    }

    private void emit(ByteBuffer data) throws IOException {
        Sha256.update(digest, data.duplicate());
        int n = data.remaining();
        while (data.hasRemaining()) {
            out.write(data);
        }
        emitted += n;
    }

    /** Bytes held ahead of the stream, waiting for an earlier block. */
    public long buffered() {
        return buffered;
    }

    @Override
    public boolean randomAccess() {
        return false;
    }

    @Override
    public Sha256 finish(DoubleConsumer progress) throws IOException {
        if (emitted != imageSize) {
            throw new IOException("emitted " + emitted + " of " + imageSize + " bytes: blocks are missing");
        }
        progress.accept(1);
        return Sha256.of(digest.digest());
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
