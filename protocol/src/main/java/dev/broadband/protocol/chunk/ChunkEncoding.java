package dev.broadband.protocol.chunk;

/** How one chunk of the image travels. */
public enum ChunkEncoding {
    /** All zero: nothing travels, the receiver zeroes the range (or leaves a fresh file's hole). */
    ZERO,
    /** The raw bytes, where compression would not save any. */
    RAW,
    /** One zstd frame of the raw bytes. */
    ZSTD
}
