package dev.broadband.protocol.sender;

import dev.broadband.protocol.chunk.ImageEncoding;
import dev.broadband.protocol.session.Sha256;
import java.io.IOException;
import java.nio.ByteBuffer;

/** What the carousel cuts into blocks and sends: the raw image, or its chunks ({@link EncodedImage}). */
public interface StreamSource extends AutoCloseable {
    /** Bytes that travel. */
    long size();

    /** Fills {@code dst} (cleared) with {@code length} bytes of the stream from {@code offset}, flipped. */
    void read(long offset, int length, ByteBuffer dst) throws IOException;

    String description();

    /** How the image travels: null when the stream is the raw image itself. */
    ImageEncoding encoding();

    /** How the file the user gave holds the image: raw, or compressed whole. */
    ImageFormat format();

    /** The raw image's SHA-256 when it is known before sending; null when the first pass takes it. */
    Sha256 imageSha256();

    @Override
    void close() throws IOException;
}
