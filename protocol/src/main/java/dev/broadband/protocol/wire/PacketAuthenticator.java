package dev.broadband.protocol.wire;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and checks packets with HMAC-SHA256 truncated to 16 bytes. One instance per thread: a {@link Mac}
 * is not thread-safe, and reusing it keeps the per-packet path free of allocation.
 */
public final class PacketAuthenticator {
    public static final int MAC_LENGTH = 16;
    public static final int MIN_KEY_BYTES = 32;
    private final byte[] key;
    private final Mac mac;
    private final byte[] full = new byte[32];
    private final byte[] received = new byte[MAC_LENGTH];

    public PacketAuthenticator(byte[] key) {
        if (key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("a session key needs at least " + MIN_KEY_BYTES + " bytes, this one has "
                    + key.length + ": make one with 'head -c 32 /dev/urandom > key'");
        }
        this.key = key.clone();
        try {
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(this.key, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this Java cannot compute HmacSHA256", e);
        }
    }

    /** Another authenticator with the same key, for another thread. */
    public PacketAuthenticator copy() {
        return new PacketAuthenticator(key);
    }

    /** Appends the MAC of bytes [0, position) at position. */
    void sign(ByteBuffer packet) {
        int end = packet.position();
        compute(packet, end);
        packet.put(full, 0, MAC_LENGTH);
    }

    /** Checks the MAC in the last 16 bytes before limit and, when it matches, moves limit before it. */
    boolean verifyAndStrip(ByteBuffer packet) {
        int end = packet.limit() - MAC_LENGTH;
        if (end < 0) {
            return false;
        }
        packet.get(end, received);
        compute(packet, end);
        int difference = 0;
        for (int i = 0; i < MAC_LENGTH; i++) {
            difference |= received[i] ^ full[i];  // constant time, like MessageDigest.isEqual
        }
        if (difference != 0) {
            return false;
        }
        packet.limit(end);
        return true;
    }

    private void compute(ByteBuffer packet, int end) {
        ByteBuffer covered = packet.duplicate();
        covered.position(0).limit(end);
        mac.update(covered);
        try {
            mac.doFinal(full, 0);
        } catch (ShortBufferException e) {
            throw new IllegalStateException(e);
        }
    }
}
