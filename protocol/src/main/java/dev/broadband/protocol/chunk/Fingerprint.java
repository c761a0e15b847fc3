package dev.broadband.protocol.chunk;

import com.dynatrace.hash4j.hashing.HashValue128;
import com.dynatrace.hash4j.hashing.Hasher128;
import com.dynatrace.hash4j.hashing.Hashing;
import java.nio.ByteBuffer;

/**
 * A chunk's raw bytes as XXH3-128: what a receiver compares the chunks its target already holds against. It need
 * not resist forgery, only chance: whatever a receiver keeps or writes still has to hash to the image's SHA-256
 * before it reports success. XXH3 reads a target several times faster than SHA-256 would (about 5 GB/s against
 * 0.85 a core here), and reading the target is what a delta transfer waits on.
 */
public record Fingerprint(long high, long low) {
    public static final int BYTES = 16;
    private static final Hasher128 XXH3 = Hashing.xxh3_128();

    public static Fingerprint of(byte[] raw, int offset, int length) {
        HashValue128 h = XXH3.hashBytesTo128Bits(raw, offset, length);
        return new Fingerprint(h.getMostSignificantBits(), h.getLeastSignificantBits());
    }

    static Fingerprint read(ByteBuffer in) {
        return new Fingerprint(in.getLong(), in.getLong());
    }

    void write(ByteBuffer out) {
        out.putLong(high).putLong(low);
    }
}
