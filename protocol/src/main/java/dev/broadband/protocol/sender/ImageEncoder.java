package dev.broadband.protocol.sender;

import dev.broadband.protocol.Daemons;
import dev.broadband.protocol.chunk.ChunkCodec;
import dev.broadband.protocol.chunk.ChunkEncoding;
import dev.broadband.protocol.chunk.Fingerprint;
import dev.broadband.protocol.chunk.Manifest;
import dev.broadband.protocol.session.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
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
    /**
     * Slices sampled to decide whether an image is worth encoding at all, and their size. Whole chunks, 64 of them,
     * took 90 ms of every start with a random image (zstd finds no match in 64 MiB); slices find an image's zeros and
     * its compressible files at four times as many places for a sixteenth of that.
     */
    static final int SAMPLES = 256;
    static final int SAMPLE_BYTES = 16 * 1024;

    private ImageEncoder() {}

    /**
     * Whether encoding pays: some slice of a sample spread over the image is zero or compresses. A random image
     * (already compressed, or encrypted) is sent raw and costs no encoding pass.
     */
    public static boolean worthEncoding(ImageSource image) throws IOException {
        long size = image.size();
        int samples = (int) Math.min(SAMPLES, (size + SAMPLE_BYTES - 1) / SAMPLE_BYTES);
        ByteBuffer buffer = ByteBuffer.allocate(SAMPLE_BYTES);
        for (int s = 0; s < samples; s++) {
            long offset = s * (size / samples);
            int length = (int) Math.min(SAMPLE_BYTES, size - offset);
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

    /**
     * Encodes the whole image, writing the compressed frames one after the other from the store's start; and the
     * raw chunks between them, where the user's file is compressed and so cannot serve them.
     */
    static Encoded encodeInto(ImageSource image, FileChannel store) throws IOException {
        boolean rawInStore = image.format() != ImageFormat.RAW;
        ChunkReader chunks = rawInStore ? decompressing(image) : positional(image);
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        ExecutorService compressors = Executors.newFixedThreadPool(threads, Daemons.named("chunk-encoder"));
        ExecutorService hasher = Executors.newSingleThreadExecutor(Daemons.named("image-hash"));
        try {
            MessageDigest digest = Sha256.newDigest();
            List<ChunkEncoding> encodings = new ArrayList<>();
            List<Integer> lengths = new ArrayList<>();
            List<Fingerprint> fingerprints = new ArrayList<>();
            // Chunks read and not yet stored, each with its hashing: at most this many raw chunks in memory.
            ArrayDeque<InFlight> window = new ArrayDeque<>();
            long size = 0;
            long stored = 0;
            boolean end = false;
            while (!end || !window.isEmpty()) {
                if (!end && window.size() < 2 * threads + 2) {
                    byte[] raw = new byte[CHUNK_BYTES];
                    int length = chunks.next(raw, size);
                    end = length < CHUNK_BYTES;
                    if (length > 0) {
                        size += length;
                        window.add(new InFlight(raw, length,
                                compressors.submit(() -> new Coded(ChunkCodec.encode(raw, length),
                                        Fingerprint.of(raw, 0, length))),
                                hasher.submit(() -> digest.update(raw, 0, length))));
                    }
                    continue;
                }
                InFlight oldest = window.poll();
                Coded coded = oldest.coded().get();
                ChunkCodec.Encoded encoded = coded.encoded();
                oldest.hashed().get();
                fingerprints.add(coded.fingerprint());
                encodings.add(encoded.encoding());
                lengths.add(encoded.length());
                if (EncodedImage.stored(encoded.encoding(), rawInStore)) {
                    byte[] bytes = encoded.encoding() == ChunkEncoding.ZSTD ? encoded.frame() : oldest.raw();
                    ByteBuffer out = ByteBuffer.wrap(bytes, 0, encoded.length());
                    while (out.hasRemaining()) {
                        stored += store.write(out, stored);
                    }
                }
            }
            return new Encoded(new Manifest(size, CHUNK_BYTES, encodings.toArray(ChunkEncoding[]::new),
                    lengths.stream().mapToInt(Integer::intValue).toArray(), fingerprints.toArray(Fingerprint[]::new)),
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

    /** The image's chunks in order. */
    @FunctionalInterface
    private interface ChunkReader {
        /** Fills {@code raw} with the chunk at {@code offset}; fewer bytes than it holds only for the last one. */
        int next(byte[] raw, long offset) throws IOException;
    }

    private static ChunkReader positional(ImageSource image) {
        return (raw, offset) -> {
            int length = (int) Math.min(raw.length, image.size() - offset);
            if (length > 0) {
                image.read(offset, length, ByteBuffer.wrap(raw));
            }
            return Math.max(0, length);
        };
    }

    private static ChunkReader decompressing(ImageSource image) throws IOException {
        InputStream in = image.format().decompress(image.stream());
        return (raw, offset) -> {
            try {
                return in.readNBytes(raw, 0, raw.length);
            } catch (IOException e) {
                throw new IOException(image.description() + " is " + image.format().label() + "-compressed, but does"
                        + " not decompress after " + offset + " bytes (" + e.getMessage() + "): is the file whole?", e);
            }
        };
    }

    /** A chunk being encoded and fingerprinted, and added to the image's hash. */
    private record InFlight(byte[] raw, int length, Future<Coded> coded, Future<?> hashed) {}

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
