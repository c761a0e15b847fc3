package dev.broadband.protocol.session;

import java.net.InetAddress;

/**
 * What a client learns from the server's answer to its join: everything needed to receive the image (its SHA-256
 * may come later, see the Welcome). {@code multicastGroup} is null when the data comes as broadcast.
 */
public record SessionInfo(long sessionId, Geometry geometry, InetAddress multicastGroup, int dataPort, boolean keyed) {
    public long imageSize() {
        return geometry.imageSize();
    }

    public String idHex() {
        return hex(sessionId);
    }

    public static String hex(long id) {
        return String.format("%016x", id);
    }
}
