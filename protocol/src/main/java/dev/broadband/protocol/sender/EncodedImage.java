package dev.broadband.protocol.sender;

import dev.broadband.protocol.chunk.ChunkEncoding;
import dev.broadband.protocol.chunk.ImageEncoding;
import dev.broadband.protocol.chunk.Manifest;
import dev.broadband.protocol.session.Sha256;
import dev.broadband.protocol.sink.FileChannels;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An image as its chunks travel: the manifest, then each chunk's encoded bytes. Compressed chunks are read from a
 * store file the encoder wrote, their frames one after the other in chunk order (a temporary file deleted on close,
 * or a {@link ChunkCache} kept beside the image); raw chunks straight from the image, so an image that does not
 * compress is not copied, except where the user's file is compressed whole: then raw chunks are in the store too,
 * between the frames. Zero chunks have no bytes at all.
 */
public final class EncodedImage implements StreamSource {
    private final ImageSource image;
    private final Manifest manifest;
    private final byte[] manifestBytes;
    private final long[] storeOffsets;
    private final FileChannel store;
    private final Path storePath;
    private final Sha256 sha256;
    private final boolean deleteStore;
    /** Whether raw chunks are in the store: the user's file is compressed, so not the raw image. */
    private final boolean rawInStore;

    /** @param deleteStore whether the store is a temporary file, deleted on close */
    EncodedImage(ImageSource image, Manifest manifest, FileChannel store, Path storePath, Sha256 sha256,
                 boolean deleteStore) {
        this.image = image;
        this.manifest = manifest;
        this.manifestBytes = manifest.toBytes();
        this.rawInStore = image.format() != ImageFormat.RAW;
        this.storeOffsets = storeOffsets(manifest, rawInStore);
        this.store = store;
        this.storePath = storePath;
        this.sha256 = sha256;
        this.deleteStore = deleteStore;
    }

    /** Whether the store holds this chunk's bytes. */
    static boolean stored(ChunkEncoding encoding, boolean rawInStore) {
        return encoding == ChunkEncoding.ZSTD || rawInStore && encoding == ChunkEncoding.RAW;
    }

    /** Where each stored chunk starts in the store: they follow each other in chunk order. */
    static long[] storeOffsets(Manifest manifest, boolean rawInStore) {
        long[] offsets = new long[manifest.chunks()];
        long at = 0;
        for (int i = 0; i < offsets.length; i++) {
            if (stored(manifest.encodingOf(i), rawInStore)) {
                offsets[i] = at;
                at += manifest.encodedLength(i);
            }
        }
        return offsets;
    }

    /** Bytes of chunks the store holds from its start. */
    static long storeBytes(Manifest manifest, boolean rawInStore) {
        long sum = 0;
        for (int i = 0; i < manifest.chunks(); i++) {
            if (stored(manifest.encodingOf(i), rawInStore)) {
                sum += manifest.encodedLength(i);
            }
        }
        return sum;
    }

    public Manifest manifest() {
        return manifest;
    }

    @Override
    public long size() {
        return manifest.streamBytes();
    }

    @Override
    public void read(long offset, int length, ByteBuffer dst) throws IOException {
        dst.clear().limit(length);
        long at = offset;
        if (at < manifestBytes.length) {
            int n = (int) Math.min(length, manifestBytes.length - at);
            dst.put(manifestBytes, (int) at, n);
            at += n;
        }
        while (dst.hasRemaining()) {
            int chunk = manifest.chunkAt(at);
            long within = at - manifest.streamOffset(chunk);
            int n = (int) Math.min(dst.remaining(), manifest.encodedLength(chunk) - within);
            ByteBuffer piece = dst.slice(dst.position(), n);
            if (!stored(manifest.encodingOf(chunk), rawInStore)) {
                image.read(manifest.rawOffset(chunk) + within, n, piece);
            } else {
                FileChannels.readFully(store, piece, storeOffsets[chunk] + within,
                        end -> storePath + " ended at " + end + ": the encoded image was changed while being sent");
            }
            dst.position(dst.position() + n);
            at += n;
        }
        dst.flip();
    }

    @Override
    public String description() {
        return image.description();
    }

    @Override
    public ImageEncoding encoding() {
        return manifest.encoding();
    }

    @Override
    public ImageFormat format() {
        return image.format();
    }

    @Override
    public Sha256 imageSha256() {
        return sha256;
    }

    @Override
    public void close() throws IOException {
        try {
            store.close();
            if (deleteStore) {
                Files.deleteIfExists(storePath);
            }
        } finally {
            image.close();
        }
    }
}
