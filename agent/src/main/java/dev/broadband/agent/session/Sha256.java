package dev.broadband.agent.session;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/** A SHA-256 digest as a value: compared by content, printed as hex. */
public final class Sha256 {
    public static final int LENGTH = 32;
    private final byte[] bytes;

    private Sha256(byte[] bytes) {
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("a SHA-256 digest has 32 bytes, not " + bytes.length);
        }
        this.bytes = bytes.clone();
    }

    public static Sha256 of(byte[] bytes) {
        return new Sha256(bytes);
    }

    /** Parses 64 hex digits, with or without a {@code sha256:} prefix. */
    public static Sha256 parse(String text) {
        String hex = text.startsWith("sha256:") ? text.substring(7) : text;
        if (!hex.matches("[0-9a-fA-F]{64}")) {
            throw new IllegalArgumentException("not a SHA-256 (64 hex digits): " + text);
        }
        return new Sha256(HexFormat.of().parseHex(hex.toLowerCase()));
    }

    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java has no SHA-256", e);
        }
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    public String hex() {
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Sha256 other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return hex();
    }
}
