package dev.broadband.protocol.sink;

import java.util.BitSet;

/**
 * What a target held of an image sent as chunks, once each of its chunk ranges was read and compared with the
 * manifest's fingerprint: the chunks it lacks (changed, or unreadable and so never trusted) and the raw bytes it
 * already holds.
 */
public record Survey(BitSet lacking, int chunks, long heldBytes, int unreadable, String unreadableReason) {
    public Survey {
        lacking = (BitSet) lacking.clone();
    }

    @Override
    public BitSet lacking() {
        return (BitSet) lacking.clone();
    }

    public int held() {
        return chunks - lacking.cardinality();
    }
}
