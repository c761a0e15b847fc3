package dev.broadband.protocol.sink;

import dev.broadband.protocol.session.Sha256;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.DoubleConsumer;

/** A sink that passes everything on; tests override the one method whose failure they need. */
public class ForwardingSink implements Sink {
    private final Sink inner;

    public ForwardingSink(Sink inner) {
        this.inner = inner;
    }

    @Override
    public boolean write(long offset, ByteBuffer data) throws IOException {
        return inner.write(offset, data);
    }

    @Override
    public boolean randomAccess() {
        return inner.randomAccess();
    }

    @Override
    public void completed(long offset, long length) throws IOException {
        inner.completed(offset, length);
    }

    @Override
    public void zero(long offset, int length) throws IOException {
        inner.zero(offset, length);
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        inner.read(offset, dst);
    }

    @Override
    public Sha256 finish(DoubleConsumer progress) throws IOException {
        return inner.finish(progress);
    }

    @Override
    public String description() {
        return inner.description();
    }

    @Override
    public void close() throws IOException {
        inner.close();
    }
}
