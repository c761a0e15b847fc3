package dev.broadband.protocol.sender;

import com.github.luben.zstd.ZstdInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * How the file a user gave holds the image: raw, or compressed whole with zstd, xz or gzip, as Metal3, KubeVirt
 * CDI and Tinkerbell accept them. Recognised by the magic bytes the file starts with, never by its name. A
 * compressed image is decompressed once, as it is cut into chunks; what receivers write and verify is always the
 * raw image.
 */
public enum ImageFormat {
    RAW("raw", new byte[0]),
    ZSTD("zstd", new byte[] {(byte) 0x28, (byte) 0xb5, (byte) 0x2f, (byte) 0xfd}),
    XZ("xz", new byte[] {(byte) 0xfd, '7', 'z', 'X', 'Z', 0}),
    GZIP("gzip", new byte[] {(byte) 0x1f, (byte) 0x8b});

    /** Bytes that {@link #of} needs to tell them apart. */
    public static final int MAGIC_BYTES = 6;

    private final String label;
    private final byte[] magic;

    ImageFormat(String label, byte[] magic) {
        this.label = label;
        this.magic = magic;
    }

    /** As the status and the log name it. */
    public String label() {
        return label;
    }

    /** The format whose magic {@code head} (the file's first bytes, fewer for a short file) starts with. */
    public static ImageFormat of(byte[] head) {
        for (ImageFormat f : values()) {
            if (f != RAW && head.length >= f.magic.length
                    && Arrays.equals(head, 0, f.magic.length, f.magic, 0, f.magic.length)) {
                return f;
            }
        }
        return RAW;
    }

    /** The raw image from the compressed bytes {@code in}; several concatenated streams read as one, as zcat does. */
    InputStream decompress(InputStream in) throws IOException {
        return switch (this) {
            case RAW -> in;
            case ZSTD -> new ZstdInputStream(in);
            case XZ -> new XZInputStream(in);
            case GZIP -> new GZIPInputStream(in, 1 << 16);
        };
    }
}
