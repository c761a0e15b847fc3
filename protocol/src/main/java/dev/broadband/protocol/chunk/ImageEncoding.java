package dev.broadband.protocol.chunk;

/**
 * How a session's image travels when it is sent as chunks (see {@link Manifest}): the raw image's size, the raw
 * bytes per chunk, and the length of the manifest that opens the stream. Announced in the Welcome, so that a
 * receiver opens its target for the raw image and knows where the chunks begin.
 */
public record ImageEncoding(long imageBytes, int chunkBytes, int manifestBytes) {
    public ImageEncoding {
        if (imageBytes < 0 || chunkBytes < 1 || chunkBytes > Manifest.MAX_CHUNK_BYTES
                || manifestBytes != Manifest.bytesFor(imageBytes, chunkBytes)) {
            throw new IllegalArgumentException("inconsistent image encoding: " + imageBytes + " bytes in chunks of "
                    + chunkBytes + ", manifest of " + manifestBytes);
        }
    }
}
