package dev.broadband.protocol.wire;

/** A datagram that is not a well-formed broadband packet of this version; it is counted and dropped. */
public final class MalformedPacketException extends Exception {
    public MalformedPacketException(String message) {
        super(message, null, false, false);
    }
}
