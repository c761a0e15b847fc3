package dev.broadband.protocol.receiver;

import dev.broadband.protocol.chunk.Manifest;
import dev.broadband.protocol.session.Geometry;
import dev.broadband.protocol.wire.BlockRange;
import dev.broadband.protocol.wire.ControlMessage.Want;
import dev.broadband.protocol.wire.ControlMessage.WantAck;
import dev.broadband.protocol.wire.WireCodec;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * What a delta receiver asks the sender for once it knows what its target lacks: the blocks of the stream that
 * hold bytes of a lacking chunk, as ranges cut into Want parts, each sent until the sender acknowledges it. The
 * last acknowledgement names the first sender status that counts them all.
 */
final class DeltaRequest {
    private final BitSet needed;
    private final List<List<BlockRange>> parts;
    private final BitSet acknowledged = new BitSet();
    private int statusSeq;
    private boolean anySeq;

    private DeltaRequest(BitSet needed) {
        this.needed = needed;
        List<BlockRange> ranges = new ArrayList<>();
        for (int b = needed.nextSetBit(0); b >= 0; b = needed.nextSetBit(b)) {
            int end = needed.nextClearBit(b);
            ranges.add(new BlockRange(b, end));
            b = end;
        }
        this.parts = new ArrayList<>();
        for (int i = 0; i < ranges.size(); i += WireCodec.MAX_RANGES_PER_PACKET) {
            parts.add(ranges.subList(i, Math.min(ranges.size(), i + WireCodec.MAX_RANGES_PER_PACKET)));
        }
        if (parts.isEmpty()) {
            // The target holds everything: the sender still hears so, and stops waiting for this receiver's Want.
            parts.add(List.of());
        }
    }

    /** The blocks from {@code first} on that hold bytes of a chunk in {@code lackingChunks}. */
    static DeltaRequest forChunks(Geometry geometry, Manifest manifest, BitSet lackingChunks, int first) {
        BitSet needed = new BitSet(geometry.blockCount());
        for (int c = lackingChunks.nextSetBit(0); c >= 0; c = lackingChunks.nextSetBit(c + 1)) {
            int length = manifest.encodedLength(c);
            if (length > 0) {
                long start = manifest.streamOffset(c);
                needed.set(geometry.blockAt(start), geometry.blockAt(start + length - 1) + 1);
            }
        }
        needed.clear(0, first);
        return new DeltaRequest(needed);
    }

    /** Every block from {@code first} on: a target with nothing to compare (a file just created). */
    static DeltaRequest everything(Geometry geometry, int first) {
        BitSet needed = new BitSet(geometry.blockCount());
        needed.set(first, geometry.blockCount());
        return new DeltaRequest(needed);
    }

    BitSet needed() {
        return (BitSet) needed.clone();
    }

    long blocks() {
        return needed.cardinality();
    }

    /** The parts not acknowledged yet, to send (again). */
    List<Want> unacknowledged(long session, long clientId) {
        List<Want> wants = new ArrayList<>();
        for (int p = acknowledged.nextClearBit(0); p < parts.size(); p = acknowledged.nextClearBit(p + 1)) {
            wants.add(new Want(session, clientId, p, parts.size(), parts.get(p)));
        }
        return wants;
    }

    /** @return whether this completes the acknowledgements */
    boolean acknowledge(WantAck ack) {
        if (ack.part() < 0 || ack.part() >= parts.size() || acknowledged.get(ack.part())) {
            return false;
        }
        acknowledged.set(ack.part());
        if (!anySeq || ack.statusSeq() - statusSeq > 0) {
            statusSeq = ack.statusSeq();
            anySeq = true;
        }
        return complete();
    }

    boolean complete() {
        return acknowledged.cardinality() == parts.size();
    }

    /** The first sender status sent after every part was queued. */
    int statusSeq() {
        return statusSeq;
    }
}
