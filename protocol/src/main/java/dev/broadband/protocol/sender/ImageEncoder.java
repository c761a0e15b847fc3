package dev.broadband.protocol.sender;

import dev.broadband.protocol.Daemons;
import dev.broadband.protocol.chunk.ChunkCodec;
import dev.broadband.protocol.chunk.ChunkEncoding;
import dev.broadband.protocol.chunk.Fingerprint;
import dev.broadband.protocol.chunk.Manifest;
import dev.broadband.protocol.session.Sha256;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Cuts an image into chunks and encodes them before the session starts: zero chunks become marks, the others are
 * compressed with zstd on every core where that saves bytes, and every chunk is fingerprinted for receivers whose
 * target may hold it already. The raw image's SHA-256 is taken in the same pass, on a thread of its own, so clients
 * are told it in their Welcome.
 */
public final class ImageEncoder {
    /** Frisbee's chunk: large enough that zstd loses little to chunking, small enough to skip zeros finely. */
    public static final int CHUNK_BYTES = 1 << 20;
    /** Chunks sampled to decide whether an image is worth encoding at all. */
    static final int SAMPLES = 64;

    private ImageEncoder() {}

    /**
     * Whether encoding pays: some chunk of a sample spread over the image is zero or compresses. A random image
     * (already compressed, or encrypted) is sent raw and costs no encoding pass.
     */
    public static boolean worthEncoding(ImageSource image) throws IOException {
        int chunks = Manifest.chunkCount(image.size(), CHUNK_BYTES);
        ByteBuffer buffer = ByteBuffer.allocate(CHUNK_BYTES);
        for (int s = 0; s < Math.min(SAMPLES, chunks); s++) {
            int chunk = (int) ((long) s * chunks / Math.min(SAMPLES, chunks));
            long offset = (long) chunk * CHUNK_BYTES;
            int length = (int) Math.min(CHUNK_BYTES, image.size() - offset);
            image.read(offset, length, buffer);
            if (ChunkCodec.encode(buffer.array(), length).encoding() != ChunkEncoding.RAW) {
                return true;
            }
        }
        return false;
    }

    /** Encodes the whole image; compressed chunks go to a file in {@code storeDir}, deleted when the result closes. */
    public static EncodedImage encode(ImageSource image, Path storeDir) throws IOException {
        Path storePath = Files.createTempFile(storeDir, "broadband-chunks-", ".zst");
        FileChannel store = FileChannel.open(storePath, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            Encoded encoded = encodeInto(image, store);
            return new EncodedImage(image, encoded.manifest(), store, storePath, encoded.sha256(), true);
        } catch (IOException | RuntimeException e) {
            discard(store, storePath, e);
            throw e;
        }
    }

    /** The table of an encoded image and its raw SHA-256; the compressed frames are in the store. */
    record Encoded(Manifest manifest, Sha256 sha256) {}

    /** Encodes the whole image, writing the compressed frames one after the other from the store's start. */
    static Encoded encodeInto(ImageSource image, FileChannel store) throws IOException {
        long size = image.size();
        int chunks = Manifest.chunkCount(size, CHUNK_BYTES);
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        ExecutorService compressors = Executors.newFixedThreadPool(threads, Daemons.named("chunk-encoder"));
        ExecutorService hasher = Executors.newSingleThreadExecutor(Daemons.named("image-hash"));
        try {
            MessageDigest digest = Sha256.newDigest();
            ChunkEncoding[] encodings = new ChunkEncoding[chunks];
            int[] lengths = new int[chunks];
            Fingerprint[] fingerprints = new Fingerprint[chunks];
            // Chunks read and not yet stored, each with its hashing: at most this many raw chunks in memory.
            ArrayDeque<InFlight> window = new ArrayDeque<>();
            long stored = 0;
            int done = 0;
            for (int i = 0; i < chunks || !window.isEmpty(); ) {
                if (i < chunks && window.size() < 2 * threads + 2) {
                    long offset = (long) i * CHUNK_BYTES;
                    int length = (int) Math.min(CHUNK_BYTES, size - offset);
                    ByteBuffer raw = ByteBuffer.allocate(length);
                    image.read(offset, length, raw);
                    window.add(new InFlight(compressors.submit(() -> new Coded(ChunkCodec.encode(raw.array(), length),
                                    Fingerprint.of(raw.array(), 0, length))),
                            hasher.submit(() -> digest.update(raw.array(), 0, length))));
                    i++;
                    continue;
                }
                InFlight oldest = window.poll();
                Coded coded = oldest.coded().get();
                ChunkCodec.Encoded encoded = coded.encoded();
                oldest.hashed().get();
                fingerprints[done] = coded.fingerprint();
                encodings[done] = encoded.encoding();
                lengths[done] = encoded.length();
                if (encoded.encoding() == ChunkEncoding.ZSTD) {
                    ByteBuffer frame = ByteBuffer.wrap(encoded.frame(), 0, encoded.length());
                    while (frame.hasRemaining()) {
                        stored += store.write(frame, stored);
                    }
                }
                done++;
            }
            return new Encoded(new Manifest(size, CHUNK_BYTES, encodings, lengths, fingerprints),
                    Sha256.of(digest.digest()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while encoding " + image.description());
        } catch (ExecutionException e) {
            throw new IOException("encoding " + image.description() + " failed: " + e.getCause().getMessage(),
                    e.getCause());
        } finally {
            compressors.shutdownNow();
            hasher.shutdownNow();
        }
    }

    /** A chunk being encoded and fingerprinted, and added to the image's hash. */
    private record InFlight(Future<Coded> coded, Future<?> hashed) {}

    private record Coded(ChunkCodec.Encoded encoded, Fingerprint fingerprint) {}

    /** Closes and removes a store whose encoding failed; what that costs goes with the failure. */
    static void discard(FileChannel store, Path path, Exception failure) {
        try {
            store.close();
            Files.deleteIfExists(path);
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }
}
