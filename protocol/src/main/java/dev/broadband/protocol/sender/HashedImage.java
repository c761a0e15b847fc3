package dev.broadband.protocol.sender;

import dev.broadband.protocol.chunk.ImageEncoding;
import dev.broadband.protocol.session.Sha256;
import java.io.IOException;
import java.nio.ByteBuffer;

/** A raw image whose SHA-256 is known before sending ({@link HashCache}): the first pass need not take it. */
record HashedImage(ImageSource image, Sha256 imageSha256) implements StreamSource {
    @Override
    public long size() {
        return image.size();
    }

    @Override
    public void read(long offset, int length, ByteBuffer dst) throws IOException {
        image.read(offset, length, dst);
    }

    @Override
    public String description() {
        return image.description();
    }

    @Override
    public ImageEncoding encoding() {
        return image.encoding();
    }

    @Override
    public ImageFormat format() {
        return image.format();
    }

    @Override
    public void close() throws IOException {
        image.close();
    }
}
