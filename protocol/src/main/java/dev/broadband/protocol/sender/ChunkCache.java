package dev.broadband.protocol.sender;

import dev.broadband.protocol.chunk.Manifest;
import dev.broadband.protocol.session.Sha256;
import dev.broadband.protocol.sink.FileChannels;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;

/**
 * An encoded image kept beside its source, as {@code SOURCE.bbchunks}: the compressed frames, then a trailer with
 * the manifest (fingerprints included), the raw image's SHA-256, and the stamp of the source it was made from. A
 * later broadcast of the same, unchanged file starts at once instead of encoding it again; a changed file (other
 * size, modification or change time, or another inode) is encoded again and the cache replaced. Written under a
 * temporary name and renamed when complete, so a reader never meets half a cache.
 *
 * <p>Trailer: manifest length (4), manifest, SHA-256 (32), source size (8), modification time (8, ns), change time
 * (8, ns), file key (2-byte length, UTF-8), frame bytes (8), trailer length (4, these 8 included), magic "BBC1".
 */
public final class ChunkCache {
    public static final String SUFFIX = ".bbchunks";
    private static final int MAGIC = 0x42424331;

    private ChunkCache() {}

    /** An encoded image and how it was come by, for the log. */
    public record Opened(EncodedImage image, String how) {}

    /** What identifies a file's content without reading it, as make and rsync judge it. */
    record Stamp(long size, long modifiedNanos, long changedNanos, String fileKey) {
        static Stamp of(Path source) throws IOException {
            BasicFileAttributes a = Files.readAttributes(source, BasicFileAttributes.class);
            if (!a.isRegularFile()) {
                throw new IOException(source + " is not a regular file: a device's content changes without its"
                        + " modification time, so nothing taken from it can be kept beside it; leave out --cache");
            }
            FileTime changed = (FileTime) Files.getAttribute(source, "unix:ctime");
            return new Stamp(a.size(), nanos(a.lastModifiedTime()), nanos(changed), String.valueOf(a.fileKey()));
        }

        private static long nanos(FileTime time) {
            return time.toInstant().getEpochSecond() * 1_000_000_000L + time.toInstant().getNano();
        }
    }

    public static Path beside(Path source) {
        return source.resolveSibling(source.getFileName() + SUFFIX);
    }

    /**
     * The encoded image of {@code source} (opened as {@code image}): read from its cache when that was made from the
     * file as it is now, else encoded and kept there.
     * @throws IOException when the source is not a regular file, changes while it is encoded, or the cache cannot
     *     be written (a read-only directory), with a message saying which
     */
    public static Opened open(ImageSource image, Path source) throws IOException {
        Stamp stamp = Stamp.of(source);
        Path cache = beside(source);
        String why = "no cache yet";
        if (Files.exists(cache)) {
            try {
                EncodedImage kept = read(image, cache, stamp);
                if (kept != null) {
                    return new Opened(kept, "read from " + cache);
                }
                why = "the cache was made from another version of the file";
            } catch (IOException | IllegalArgumentException e) {
                why = "the cache is damaged (" + e.getMessage() + ")";
            }
        }
        return new Opened(write(image, source, cache, stamp), "encoded (" + why + ") and kept in " + cache);
    }

    /** @return null when the cache is of another version of the source */
    static EncodedImage read(ImageSource image, Path cache, Stamp stamp) throws IOException {
        FileChannel channel = FileChannel.open(cache, StandardOpenOption.READ);
        try {
            long size = channel.size();
            if (size < 8) {
                throw new IOException("it has " + size + " bytes");
            }
            ByteBuffer end = ByteBuffer.allocate(8);
            FileChannels.readFully(channel, end, size - 8, at -> cache + " ended at " + at);
            int trailerLength = end.getInt(0);
            if (end.getInt(4) != MAGIC || trailerLength < 8 || trailerLength > size) {
                throw new IOException("it does not end as a cache does");
            }
            ByteBuffer trailer = ByteBuffer.allocate(trailerLength - 8);
            FileChannels.readFully(channel, trailer, size - trailerLength, at -> cache + " ended at " + at);
            trailer.flip();
            byte[] manifestBytes = new byte[trailer.getInt()];
            trailer.get(manifestBytes);
            Manifest manifest = Manifest.read(manifestBytes);
            byte[] sha = new byte[Sha256.LENGTH];
            trailer.get(sha);
            long sourceSize = trailer.getLong();
            long modified = trailer.getLong();
            long changed = trailer.getLong();
            byte[] key = new byte[Short.toUnsignedInt(trailer.getShort())];
            trailer.get(key);
            Stamp madeFrom = new Stamp(sourceSize, modified, changed, new String(key, StandardCharsets.UTF_8));
            long frames = trailer.getLong();
            if (!madeFrom.equals(stamp)) {
                channel.close();
                return null;
            }
            if (frames != size - trailerLength || frames != EncodedImage.storeBytes(manifest, image.format() != ImageFormat.RAW)
                    || image.format() == ImageFormat.RAW && manifest.encoding().imageBytes() != image.size()) {
                throw new IOException("its frames and manifest disagree");
            }
            return new EncodedImage(image, manifest, channel, cache, Sha256.of(sha), false);
        } catch (BufferUnderflowException e) {
            channel.close();
            throw new IOException("its trailer is cut short");
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static EncodedImage write(ImageSource image, Path source, Path cache, Stamp stamp) throws IOException {
        Path part = cache.resolveSibling(cache.getFileName() + ".part");
        FileChannel channel;
        try {
            channel = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new IOException("cannot keep the encoded image beside " + source + " (" + e.getMessage()
                    + "): give a writable directory, or leave out --cache");
        }
        try {
            ImageEncoder.Encoded encoded = ImageEncoder.encodeInto(image, channel);
            if (!Stamp.of(source).equals(stamp)) {
                throw new IOException(source + " changed while it was being encoded: broadcast a file nobody writes");
            }
            ByteBuffer trailer = trailer(encoded, stamp, channel.size());
            long at = channel.size();
            while (trailer.hasRemaining()) {
                at += channel.write(trailer, at);
            }
            channel.force(true);
            Files.move(part, cache, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return new EncodedImage(image, encoded.manifest(), channel, cache, encoded.sha256(), false);
        } catch (IOException | RuntimeException e) {
            ImageEncoder.discard(channel, part, e);
            throw e;
        }
    }

    private static ByteBuffer trailer(ImageEncoder.Encoded encoded, Stamp stamp, long frames) {
        byte[] manifest = encoded.manifest().toBytes();
        byte[] key = stamp.fileKey().getBytes(StandardCharsets.UTF_8);
        int length = 4 + manifest.length + Sha256.LENGTH + 24 + 2 + key.length + 8 + 8;
        ByteBuffer trailer = ByteBuffer.allocate(length);
        trailer.putInt(manifest.length).put(manifest).put(encoded.sha256().bytes())
                .putLong(stamp.size()).putLong(stamp.modifiedNanos()).putLong(stamp.changedNanos())
                .putShort((short) key.length).put(key).putLong(frames).putInt(length).putInt(MAGIC);
        return trailer.flip();
    }
}
