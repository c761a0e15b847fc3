package dev.broadband.protocol.wire;

/** Packets of one block that are lacking (in a NACK) or about to be resent (in a sender status). */
public record BlockNeed(int block, long mask) {
    public static final int WIRE_BYTES = 12;
}
