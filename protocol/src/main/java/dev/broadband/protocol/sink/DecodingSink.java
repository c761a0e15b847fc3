package dev.broadband.protocol.sink;

import dev.broadband.protocol.Daemons;
import dev.broadband.protocol.chunk.ChunkCodec;
import dev.broadband.protocol.chunk.ChunkEncoding;
import dev.broadband.protocol.chunk.Fingerprint;
import dev.broadband.protocol.chunk.ImageEncoding;
import dev.broadband.protocol.chunk.Manifest;
import dev.broadband.protocol.session.Sha256;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleConsumer;

/**
 * Receives an image sent as chunks ({@link Manifest}) into a file or device that takes random writes. Blocks of the
 * stream arrive in any order; each chunk's encoded bytes are written where the chunk's raw bytes go (they are
 * never longer), so a raw chunk is in place at once and nothing is held in memory. A compressed chunk, once all
 * its bytes are there, is read back, decompressed and written over itself, and a zero chunk is zeroed, on a
 * decoding thread of its own. Only then is the range final for the target's read-back verification, which hashes
 * the raw image.
 *
 * <p>A target that may hold the image already (a device with the previous version, a file of an interrupted
 * transfer) is surveyed first: once the manifest is whole, every chunk's range is read and compared with its
 * fingerprint, and the chunks that match stay as they are, their stream bytes skipped, and count as final at once.
 * The read-back verification still hashes every byte, so a chunk wrongly trusted fails the transfer.
 *
 * <p>Until the manifest (the stream's first bytes) is whole, and the survey done, blocks past it wait in memory, up
 * to {@code maxPending} bytes; beyond that a block is refused and asked for again later (one holding manifest bytes
 * is always taken).
 */
public final class DecodingSink implements Sink {
    private final Sink target;
    private final ImageEncoding encoding;
    private final long streamBytes;
    private final long maxPending;
    private final byte[] manifestBytes;
    private long manifestReceived;
    private Manifest manifest;
    private final TreeMap<Long, byte[]> pending = new TreeMap<>();
    private long pendingBytes;
    /** Encoded bytes each chunk still lacks. */
    private int[] lacking;
    private final ExecutorService decoder;
    private volatile IOException failure;
    private final boolean survey;
    /** Set by the decoding thread when the survey is done; taken by the receiving thread in {@link #survey()}. */
    private volatile Survey surveyed;
    /** Chunks the target holds already, known once the survey was taken; their stream bytes are skipped. */
    private BitSet held;

    public DecodingSink(Sink target, ImageEncoding encoding, long streamBytes, long maxPending) {
        this(target, encoding, streamBytes, maxPending, false);
    }

    /** @param survey compare the target with the manifest first and keep the chunks it holds */
    public DecodingSink(Sink target, ImageEncoding encoding, long streamBytes, long maxPending, boolean survey) {
        if (!target.randomAccess()) {
            throw new IllegalArgumentException(target.description() + " does not take random writes");
        }
        this.target = target;
        this.encoding = encoding;
        this.streamBytes = streamBytes;
        this.maxPending = maxPending;
        this.survey = survey;
        this.manifestBytes = new byte[encoding.manifestBytes()];
        this.decoder = Executors.newSingleThreadExecutor(Daemons.named("chunk-decoder " + target.description()));
    }

    @Override
    public boolean write(long offset, ByteBuffer data) throws IOException {
        rethrow();
        if (manifest != null && (!survey || held != null)) {
            place(offset, data);
            return true;
        }
        // A block with manifest bytes is always taken: it is what lets the others be placed.
        boolean manifestPart = manifest == null && offset < manifestBytes.length;
        if (!manifestPart && pendingBytes + data.remaining() > maxPending) {
            return false;
        }
        if (manifestPart) {
            int n = (int) (Math.min(offset + data.remaining(), manifestBytes.length) - offset);
            data.get(data.position(), manifestBytes, (int) offset, n);
            data.position(data.position() + n);
            manifestReceived += n;
            offset += n;
        }
        if (data.hasRemaining()) {
            byte[] copy = new byte[data.remaining()];
            data.get(copy);
            pending.put(offset, copy);
            pendingBytes += copy.length;
        }
        if (manifest == null && manifestReceived == manifestBytes.length) {
            takeManifest();
        }
        return true;
    }

    /** The manifest, once whole; null before. */
    public Manifest manifest() {
        return manifest;
    }

    private void takeManifest() throws IOException {
        try {
            manifest = Manifest.parse(manifestBytes, encoding, streamBytes);
        } catch (IllegalArgumentException e) {
            throw new IOException("the session's chunk manifest is damaged (" + e.getMessage()
                    + "); nothing decoded was written: run the client again, with --key-file if the segment is shared");
        }
        lacking = new int[manifest.chunks()];
        for (int i = 0; i < lacking.length; i++) {
            lacking[i] = manifest.encodedLength(i);
        }
        if (survey) {
            decoder.execute(this::runSurvey);
            return;
        }
        for (int i = 0; i < lacking.length; i++) {
            if (manifest.encodingOf(i) == ChunkEncoding.ZERO) {
                whole(i);
            }
        }
        placePending();
    }

    private void placePending() throws IOException {
        for (Map.Entry<Long, byte[]> e : pending.entrySet()) {
            place(e.getKey(), ByteBuffer.wrap(e.getValue()));
        }
        pending.clear();
        pendingBytes = 0;
    }

    /**
     * On the decoding thread: reads every chunk's range of the target, on every core, and compares it with its
     * fingerprint. A chunk found held is final at once, so the read-back hash can start on it during the survey.
     */
    private void runSurvey() {
        int chunks = manifest.chunks();
        int parts = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), chunks));
        ExecutorService readers = Executors.newFixedThreadPool(parts, Daemons.named("survey " + target.description()));
        try {
            List<Future<Piece>> pieces = new ArrayList<>();
            for (int p = 0; p < parts; p++) {
                int from = (int) ((long) chunks * p / parts);
                int to = (int) ((long) chunks * (p + 1) / parts);
                pieces.add(readers.submit(() -> survey(from, to)));
            }
            BitSet lackingChunks = new BitSet();
            long heldBytes = 0;
            int unreadable = 0;
            String reason = null;
            for (Future<Piece> piece : pieces) {
                Piece p = piece.get();
                lackingChunks.or(p.lacking());
                heldBytes += p.heldBytes();
                unreadable += p.unreadable();
                reason = reason != null ? reason : p.unreadableReason();
            }
            surveyed = new Survey(lackingChunks, chunks, heldBytes, unreadable, reason);
        } catch (ExecutionException | RuntimeException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            failure = new IOException("comparing " + target.description() + " with the image failed: " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = new IOException("interrupted while comparing " + target.description() + " with the image");
        } finally {
            readers.shutdownNow();
        }
    }

    /** What one reader found of its range of chunks. */
    private record Piece(BitSet lacking, long heldBytes, int unreadable, String unreadableReason) {}

    /** The chunks [from, to): those whose range reads back with their fingerprint are held, and final. */
    private Piece survey(int from, int to) {
        BitSet lackingChunks = new BitSet();
        long heldBytes = 0;
        int unreadable = 0;
        String reason = null;
        byte[] raw = new byte[encoding.chunkBytes()];
        for (int i = from; i < to; i++) {
            int length = manifest.rawLength(i);
            try {
                target.read(manifest.rawOffset(i), ByteBuffer.wrap(raw, 0, length));
            } catch (IOException e) {
                // What cannot be read is fetched, never trusted; writing it will say whether the target is sound.
                unreadable++;
                reason = reason != null ? reason : e.getMessage() != null ? e.getMessage() : e.toString();
                lackingChunks.set(i);
                continue;
            }
            if (Fingerprint.of(raw, 0, length).equals(manifest.fingerprint(i))) {
                heldBytes += length;
                markFinal(i);
            } else {
                lackingChunks.set(i);
            }
        }
        return new Piece(lackingChunks, heldBytes, unreadable, reason);
    }

    /**
     * Called by the receiving thread until it answers: null while the target is being compared with the manifest
     * (or when no survey was asked for), then, once, what the target holds. From then on the chunks it holds are
     * final and their bytes in the stream are skipped; the others are received as usual.
     */
    public Survey survey() throws IOException {
        rethrow();
        Survey done = surveyed;
        if (done == null || held != null) {
            return null;
        }
        BitSet lackingChunks = done.lacking();
        held = new BitSet(manifest.chunks());
        held.set(0, manifest.chunks());
        held.andNot(lackingChunks);
        for (int i = lackingChunks.nextSetBit(0); i >= 0; i = lackingChunks.nextSetBit(i + 1)) {
            if (manifest.encodingOf(i) == ChunkEncoding.ZERO) {
                whole(i);
            }
        }
        placePending();
        return done;
    }

    /** Writes stream bytes past the manifest where their chunks' raw bytes go. */
    private void place(long offset, ByteBuffer data) throws IOException {
        long at = offset;
        while (data.hasRemaining()) {
            int chunk = manifest.chunkAt(at);
            long within = at - manifest.streamOffset(chunk);
            int n = (int) Math.min(data.remaining(), manifest.encodedLength(chunk) - within);
            if (held == null || !held.get(chunk)) {
                target.write(manifest.rawOffset(chunk) + within, data.slice(data.position(), n));
                lacking[chunk] -= n;
                if (lacking[chunk] == 0) {
                    whole(chunk);
                }
            }
            data.position(data.position() + n);
            at += n;
        }
    }

    private void whole(int chunk) {
        if (manifest.encodingOf(chunk) == ChunkEncoding.RAW) {
            markFinal(chunk);
            return;
        }
        decoder.execute(() -> {
            try {
                decode(chunk);
                markFinal(chunk);
            } catch (IOException | RuntimeException e) {
                failure = e instanceof IOException io ? io : new IOException(e.getMessage(), e);
            }
        });
    }

    private void decode(int chunk) throws IOException {
        long offset = manifest.rawOffset(chunk);
        int rawLength = manifest.rawLength(chunk);
        if (manifest.encodingOf(chunk) == ChunkEncoding.ZERO) {
            target.zero(offset, rawLength);
            return;
        }
        int frameLength = manifest.encodedLength(chunk);
        byte[] frame = new byte[frameLength];
        target.read(offset, ByteBuffer.wrap(frame));
        byte[] raw = new byte[rawLength];
        try {
            ChunkCodec.decompress(frame, frameLength, raw, rawLength);
        } catch (IllegalArgumentException e) {
            throw new IOException("chunk " + chunk + " (bytes " + offset + " to " + (offset + rawLength)
                    + " of the image) came damaged: " + e.getMessage());
        }
        ByteBuffer out = ByteBuffer.wrap(raw);
        target.write(offset, out);
    }

    /** Called from the receiving and the decoding thread: the target's verification takes one at a time. */
    private synchronized void markFinal(int chunk) {
        try {
            target.completed(manifest.rawOffset(chunk), manifest.rawLength(chunk));
        } catch (IOException e) {
            failure = e;
        }
    }

    private void rethrow() throws IOException {
        if (failure != null) {
            throw failure;
        }
    }

    /** The stream's blocks say nothing final about the image: chunks do, as they are decoded. */
    @Override
    public void completed(long offset, long length) {}

    @Override
    public boolean randomAccess() {
        return false;
    }

    @Override
    public Sha256 finish(DoubleConsumer progress) throws IOException {
        decoder.shutdown();
        try {
            while (!decoder.awaitTermination(100, TimeUnit.MILLISECONDS)) {
                progress.accept(0);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while decoding into " + target.description());
        }
        rethrow();
        return target.finish(progress);
    }

    @Override
    public String description() {
        return target.description();
    }

    @Override
    public void close() throws IOException {
        decoder.shutdownNow();
        target.close();
    }
}
