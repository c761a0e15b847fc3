package dev.broadband.protocol.sender;

import dev.broadband.protocol.session.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * A raw image's SHA-256 kept beside its source, as {@code SOURCE.bbsha256}, with the stamp of the file it was taken
 * from: a later broadcast of the same, unchanged file announces it at once and sends without hashing the image
 * again (on the sender, a core's share of the first pass: 1.4 GB/s of SHA-256). A changed file is hashed again on
 * the first pass and the hash replaced. Written under a temporary name and renamed when complete.
 *
 * <p>Text, one field a line: {@code sha256 HEX}, {@code size}, {@code modified} and {@code changed} (ns), {@code
 * file-key}: what {@link ChunkCache} keeps in its trailer, for the same judgement of "unchanged".
 */
public final class HashCache {
    public static final String SUFFIX = ".bbsha256";

    private final Path source;
    private final Path cache;
    /** The source as it was when the broadcast began: a hash is kept only if it still is so when the hash is done. */
    private final ChunkCache.Stamp stamp;
    private final Sha256 kept;
    private final String why;

    private HashCache(Path source, ChunkCache.Stamp stamp, Sha256 kept, String why) {
        this.source = source;
        this.cache = beside(source);
        this.stamp = stamp;
        this.kept = kept;
        this.why = why;
    }

    public static Path beside(Path source) {
        return source.resolveSibling(source.getFileName() + SUFFIX);
    }

    /**
     * The cache of {@code source} as the file is now.
     * @throws IOException when the source is not a regular file (a device changes without its times changing)
     */
    public static HashCache of(Path source) throws IOException {
        ChunkCache.Stamp stamp = ChunkCache.Stamp.of(source);
        Path cache = beside(source);
        if (!Files.exists(cache)) {
            return new HashCache(source, stamp, null, "none kept yet");
        }
        try {
            List<String> lines = Files.readAllLines(cache, StandardCharsets.UTF_8);
            if (lines.size() != 5) {
                throw new IllegalArgumentException("it has " + lines.size() + " lines, not 5");
            }
            ChunkCache.Stamp madeFrom = new ChunkCache.Stamp(Long.parseLong(field(lines, 1, "size")),
                    Long.parseLong(field(lines, 2, "modified")), Long.parseLong(field(lines, 3, "changed")),
                    field(lines, 4, "file-key"));
            Sha256 hash = Sha256.parse(field(lines, 0, "sha256"));
            if (!madeFrom.equals(stamp)) {
                return new HashCache(source, stamp, null, "the one kept was taken from another version of the file");
            }
            return new HashCache(source, stamp, hash, null);
        } catch (IOException | IllegalArgumentException e) {
            return new HashCache(source, stamp, null, "the one kept is damaged: " + e.getMessage());
        }
    }

    private static String field(List<String> lines, int line, String name) {
        String prefix = name + " ";
        if (!lines.get(line).startsWith(prefix)) {
            throw new IllegalArgumentException("line " + (line + 1) + " is not '" + name + " ...'");
        }
        return lines.get(line).substring(prefix.length());
    }

    /** The image's SHA-256 kept for the file as it is; null when the first pass is to take it. */
    public Sha256 kept() {
        return kept;
    }

    /** Why nothing was kept for the file as it is, for the log; null when something was. */
    public String why() {
        return why;
    }

    public Path path() {
        return cache;
    }

    /** The raw image to send: with the kept hash when there is one, so that nobody hashes it on the way. */
    public StreamSource source(ImageSource image) {
        return kept == null ? image : new HashedImage(image, kept);
    }

    /**
     * Keeps {@code hash}, taken from the file while it was sent, unless the file changed since the broadcast began.
     * @throws IOException saying why it could not be kept
     */
    public void keep(Sha256 hash) throws IOException {
        if (!ChunkCache.Stamp.of(source).equals(stamp)) {
            throw new IOException(source + " changed while it was being sent, so its hash is not kept");
        }
        Path part = cache.resolveSibling(cache.getFileName() + ".part");
        String text = "sha256 " + hash.hex() + "\nsize " + stamp.size() + "\nmodified " + stamp.modifiedNanos()
                + "\nchanged " + stamp.changedNanos() + "\nfile-key " + stamp.fileKey() + "\n";
        try {
            Files.writeString(part, text, StandardCharsets.UTF_8);
            Files.move(part, cache, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            Files.deleteIfExists(part);
            throw new IOException("cannot write " + cache + " (" + e.getMessage() + ")");
        }
    }
}
