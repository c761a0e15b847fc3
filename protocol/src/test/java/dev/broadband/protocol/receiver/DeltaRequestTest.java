package dev.broadband.protocol.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.broadband.protocol.chunk.ChunkEncoding;
import dev.broadband.protocol.chunk.Fingerprint;
import dev.broadband.protocol.chunk.Manifest;
import dev.broadband.protocol.session.Geometry;
import dev.broadband.protocol.wire.BlockRange;
import dev.broadband.protocol.wire.ControlMessage.Want;
import dev.broadband.protocol.wire.ControlMessage.WantAck;
import dev.broadband.protocol.wire.WireCodec;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeltaRequestTest {
    @Test
    void theBlocksAskedForAreThoseHoldingBytesOfALackingChunkAndNeverTheManifests() {
        // Chunks of 1000 raw bytes: raw, zero, zstd of 300, raw; blocks of 500 stream bytes.
        Fingerprint f = new Fingerprint(0, 0);
        Manifest m = new Manifest(4000, 1000, new ChunkEncoding[] {ChunkEncoding.RAW, ChunkEncoding.ZERO,
                ChunkEncoding.ZSTD, ChunkEncoding.RAW}, new int[] {1000, 0, 300, 1000}, new Fingerprint[] {f, f, f, f});
        Geometry g = new Geometry(m.streamBytes(), 100, 5);
        int first = g.blockAt(m.encoding().manifestBytes() - 1) + 1;
        BitSet lacking = new BitSet();
        lacking.set(1);
        lacking.set(2);
        DeltaRequest request = DeltaRequest.forChunks(g, m, lacking, first);
        long from = m.streamOffset(2);
        BitSet expected = new BitSet();
        expected.set(g.blockAt(from), g.blockAt(from + 299) + 1);
        expected.clear(0, first);
        assertThat(request.needed()).isEqualTo(expected);
        // The zero chunk is made on the spot: it takes no block.
        lacking.clear(2);
        assertThat(DeltaRequest.forChunks(g, m, lacking, first).blocks()).isZero();
    }

    @Test
    void manyRangesAreCutIntoPartsEachSentUntilAcknowledgedAndTheLastAckNamesTheStatusToCountFrom() {
        int chunks = 3 * (WireCodec.MAX_RANGES_PER_PACKET + 10);
        ChunkEncoding[] raw = new ChunkEncoding[chunks];
        Arrays.fill(raw, ChunkEncoding.RAW);
        int[] lengths = new int[chunks];
        Arrays.fill(lengths, 1000);
        Fingerprint[] fs = new Fingerprint[chunks];
        Arrays.fill(fs, new Fingerprint(1, 1));
        Manifest m = new Manifest(chunks * 1000L, 1000, raw, lengths, fs);
        Geometry g = new Geometry(m.streamBytes(), 100, 10);
        BitSet lacking = new BitSet();
        for (int c = 0; c < chunks; c += 3) {
            lacking.set(c);
        }
        DeltaRequest request = DeltaRequest.forChunks(g, m, lacking, 0);
        List<Want> wants = request.unacknowledged(7, 9);
        assertThat(wants).hasSize(2).allSatisfy(w -> assertThat(w.parts()).isEqualTo(2));
        assertThat(wants.stream().mapToInt(w -> w.ranges().size()).sum()).isEqualTo(chunks / 3);
        assertThat(request.acknowledge(new WantAck(7, 9, 1, 50))).isFalse();
        assertThat(request.acknowledge(new WantAck(7, 9, 1, 50))).as("a repeated ack").isFalse();
        assertThat(request.unacknowledged(7, 9)).extracting(Want::part).containsExactly(0);
        assertThat(request.acknowledge(new WantAck(7, 9, 0, 40))).isTrue();
        assertThat(request.statusSeq()).isEqualTo(50);
        assertThat(request.unacknowledged(7, 9)).isEmpty();
    }

    @Test
    void aTargetLackingNothingStillSaysSoAndOneWithNothingAsksForEverythingPastTheManifest() {
        Geometry g = new Geometry(10_000, 100, 10);
        assertThat(DeltaRequest.everything(g, 2).unacknowledged(7, 9)).singleElement()
                .isEqualTo(new Want(7, 9, 0, 1, List.of(new BlockRange(2, 10))));
        Fingerprint f = new Fingerprint(0, 0);
        Manifest m = new Manifest(1000, 1000, new ChunkEncoding[] {ChunkEncoding.RAW}, new int[] {1000},
                new Fingerprint[] {f});
        DeltaRequest none = DeltaRequest.forChunks(new Geometry(m.streamBytes(), 100, 10), m, new BitSet(), 1);
        assertThat(none.unacknowledged(7, 9)).containsExactly(new Want(7, 9, 0, 1, List.of()));
    }
}
