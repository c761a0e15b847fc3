package dev.broadband.protocol.chunk;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The table of an image sent as chunks: the image is cut into chunks of {@code chunkBytes} raw bytes (the last one
 * shorter), each encoded on its own ({@link ChunkEncoding}), and the stream that travels is this manifest followed
 * by every chunk's encoded bytes in order. A receiver that holds the manifest knows, for any byte of the stream,
 * which chunk it belongs to, so blocks may arrive in any order; and from each chunk's {@link Fingerprint}, which
 * chunks its target holds already (layout in docs/protocol.md, "Chunks").
 *
 * <p>Immutable; built by the sender's encoder, parsed (and checked against the Welcome) by the receiver.
 */
public final class Manifest {
    public static final int MAGIC = 0x42424d32;
    public static final int MAX_CHUNK_BYTES = 1 << 26;
    private static final int HEADER = 4 + 8 + 4 + 4;
    /** Per chunk: its encoding and length in one word, then its fingerprint. */
    private static final int ENTRY = 4 + Fingerprint.BYTES;
    private static final int LENGTH_MASK = (1 << 30) - 1;

    private final long imageBytes;
    private final int chunkBytes;
    private final ChunkEncoding[] encodings;
    private final int[] lengths;
    private final Fingerprint[] fingerprints;
    /** Where each chunk's encoded bytes start in the stream; one more entry for the stream's end. */
    private final long[] starts;

    public Manifest(long imageBytes, int chunkBytes, ChunkEncoding[] encodings, int[] lengths,
                    Fingerprint[] fingerprints) {
        if (encodings.length != lengths.length || encodings.length != fingerprints.length
                || encodings.length != chunkCount(imageBytes, chunkBytes)) {
            throw new IllegalArgumentException(encodings.length + " chunks for an image of " + imageBytes
                    + " bytes in chunks of " + chunkBytes);
        }
        this.imageBytes = imageBytes;
        this.chunkBytes = chunkBytes;
        this.encodings = encodings.clone();
        this.lengths = lengths.clone();
        this.fingerprints = fingerprints.clone();
        this.starts = new long[lengths.length + 1];
        starts[0] = bytesFor(imageBytes, chunkBytes);
        for (int i = 0; i < lengths.length; i++) {
            int raw = rawLength(i);
            boolean fits = switch (encodings[i]) {
                case ZERO -> lengths[i] == 0;
                case RAW -> lengths[i] == raw;
                case ZSTD -> lengths[i] > 0 && lengths[i] < raw;
            };
            if (!fits) {
                throw new IllegalArgumentException("chunk " + i + " is " + encodings[i] + " of " + lengths[i]
                        + " bytes for " + raw + " raw bytes");
            }
            starts[i + 1] = starts[i] + lengths[i];
        }
    }

    public static int chunkCount(long imageBytes, int chunkBytes) {
        long n = (imageBytes + chunkBytes - 1) / chunkBytes;
        if (n > (Integer.MAX_VALUE - HEADER) / ENTRY) {
            throw new IllegalArgumentException("image too large for chunks of " + chunkBytes + " bytes");
        }
        return (int) n;
    }

    /** The manifest's length in the stream for an image of this size. */
    public static int bytesFor(long imageBytes, int chunkBytes) {
        return HEADER + ENTRY * chunkCount(imageBytes, chunkBytes);
    }

    public ImageEncoding encoding() {
        return new ImageEncoding(imageBytes, chunkBytes, (int) starts[0]);
    }

    public int chunks() {
        return lengths.length;
    }

    /** Manifest and chunks: what travels. */
    public long streamBytes() {
        return starts[lengths.length];
    }

    public ChunkEncoding encodingOf(int chunk) {
        return encodings[chunk];
    }

    public int encodedLength(int chunk) {
        return lengths[chunk];
    }

    /** The fingerprint of the chunk's raw bytes. */
    public Fingerprint fingerprint(int chunk) {
        return fingerprints[chunk];
    }

    public long streamOffset(int chunk) {
        return starts[chunk];
    }

    public long rawOffset(int chunk) {
        return (long) chunk * chunkBytes;
    }

    public int rawLength(int chunk) {
        return (int) Math.min(chunkBytes, imageBytes - rawOffset(chunk));
    }

    /** The chunk whose bytes hold this byte of the stream (past the manifest); zero chunks, holding none, never are. */
    public int chunkAt(long streamOffset) {
        int i = Arrays.binarySearch(starts, 0, lengths.length, streamOffset);
        if (i < 0) {
            return -i - 2;
        }
        while (i + 1 < lengths.length && starts[i + 1] == streamOffset) {
            i++;
        }
        return i;
    }

    /** Bytes of the image in chunks of this encoding. */
    public long rawBytesIn(ChunkEncoding encoding) {
        long sum = 0;
        for (int i = 0; i < lengths.length; i++) {
            if (encodings[i] == encoding) {
                sum += rawLength(i);
            }
        }
        return sum;
    }

    public byte[] toBytes() {
        ByteBuffer out = ByteBuffer.allocate((int) starts[0]);
        out.putInt(MAGIC).putLong(imageBytes).putInt(chunkBytes).putInt(lengths.length);
        for (int i = 0; i < lengths.length; i++) {
            out.putInt(encodings[i].ordinal() << 30 | lengths[i]);
            fingerprints[i].write(out);
        }
        return out.array();
    }

    /**
     * Parses what the stream opens with and checks it against what the Welcome announced.
     * @throws IllegalArgumentException naming what is wrong: a damaged or forged manifest
     */
    public static Manifest parse(byte[] bytes, ImageEncoding announced, long streamBytes) {
        Manifest manifest = read(bytes);
        if (bytes.length != announced.manifestBytes() || manifest.imageBytes != announced.imageBytes()
                || manifest.chunkBytes != announced.chunkBytes()) {
            throw new IllegalArgumentException("it describes " + manifest.imageBytes + " bytes in chunks of "
                    + manifest.chunkBytes + ", not the " + announced.imageBytes() + " in chunks of "
                    + announced.chunkBytes() + " announced");
        }
        if (manifest.streamBytes() != streamBytes) {
            throw new IllegalArgumentException("its chunks add up to " + manifest.streamBytes()
                    + " bytes, but the session sends " + streamBytes);
        }
        return manifest;
    }

    /**
     * Parses a manifest on its own (as kept beside an image).
     * @throws IllegalArgumentException naming what is wrong
     */
    public static Manifest read(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        if (bytes.length < HEADER || in.getInt() != MAGIC) {
            throw new IllegalArgumentException("it does not start as a manifest does");
        }
        long imageBytes = in.getLong();
        int chunkBytes = in.getInt();
        int count = in.getInt();
        if (imageBytes < 0 || chunkBytes < 1 || chunkBytes > MAX_CHUNK_BYTES
                || count != chunkCount(imageBytes, chunkBytes) || bytes.length != bytesFor(imageBytes, chunkBytes)) {
            throw new IllegalArgumentException("its header (" + imageBytes + " bytes in " + count + " chunks of "
                    + chunkBytes + ") does not fit its " + bytes.length + " bytes");
        }
        ChunkEncoding[] encodings = new ChunkEncoding[count];
        int[] lengths = new int[count];
        Fingerprint[] fingerprints = new Fingerprint[count];
        ChunkEncoding[] all = ChunkEncoding.values();
        for (int i = 0; i < count; i++) {
            int word = in.getInt();
            int code = word >>> 30;
            if (code >= all.length) {
                throw new IllegalArgumentException("chunk " + i + " has the unknown encoding " + code);
            }
            encodings[i] = all[code];
            lengths[i] = word & LENGTH_MASK;
            fingerprints[i] = Fingerprint.read(in);
        }
        return new Manifest(imageBytes, chunkBytes, encodings, lengths, fingerprints);
    }
}
