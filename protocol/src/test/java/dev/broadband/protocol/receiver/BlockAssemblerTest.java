package dev.broadband.protocol.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.broadband.protocol.session.Geometry;
import dev.broadband.protocol.session.Sha256;
import dev.broadband.protocol.sink.Sink;
import dev.broadband.protocol.sink.StreamSink;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BlockAssemblerTest {
    private final Geometry geometry = new Geometry(4 * 8 * 100 - 30, 100, 8);
    private final byte[] image = new byte[(int) geometry.imageSize()];

    BlockAssemblerTest() {
        new SplittableRandom(9).nextBytes(image);
    }

    /** Records writes into an image-sized array, like a file. */
    private final class Recorder implements Sink {
        final byte[] written = new byte[image.length];
        final List<Long> offsets = new ArrayList<>();

        public boolean write(long offset, ByteBuffer data) {
            offsets.add(offset);
            data.get(written, (int) offset, data.remaining());
            return true;
        }

        public boolean randomAccess() { return true; }
        public Sha256 finish(java.util.function.DoubleConsumer p) { return null; }
        public String description() { return "recorder"; }
        public void close() {}
    }

    private boolean feed(BlockAssembler a, int block, int index) throws Exception {
        int length = geometry.packetLength(block, index);
        ByteBuffer packet = ByteBuffer.allocate(length + 7);
        packet.position(7);
        packet.put(image, (int) (geometry.blockOffset(block) + index * 100L), length);
        return a.accept(block, index, packet, 7, length);
    }

    @Test
    void writesEachBlockWholeAtItsOffsetAsSoonAsItCompletesInAnyOrder() throws Exception {
        Recorder sink = new Recorder();
        BlockAssembler a = new BlockAssembler(geometry, sink, 1 << 20, false);
        for (int b : new int[] {3, 1, 0, 2}) {
            for (int i = geometry.packetsIn(b) - 1; i >= 0; i--) {
                assertThat(feed(a, b, i)).isTrue();
            }
        }
        assertThat(sink.offsets).containsExactly(2400L, 800L, 0L, 1600L);
        assertThat(a.allComplete()).isTrue();
        assertThat(a.bytesComplete()).isEqualTo(image.length);
        assertThat(sink.written).isEqualTo(image);
    }

    @Test
    void duplicatesAndPacketsThatDoNotFitTheGeometryAreNotWritten() throws Exception {
        Recorder sink = new Recorder();
        BlockAssembler a = new BlockAssembler(geometry, sink, 1 << 20, false);
        assertThat(feed(a, 0, 0)).isTrue();
        assertThat(feed(a, 0, 0)).isTrue();
        assertThat(a.duplicates).isEqualTo(1);
        ByteBuffer junk = ByteBuffer.allocate(200);
        assertThat(a.accept(4, 0, junk, 0, 100)).as("block beyond the image").isFalse();
        assertThat(a.accept(3, 7, junk, 0, 100)).as("packet beyond the last block").isFalse();
        assertThat(a.accept(0, 1, junk, 0, 99)).as("wrong length").isFalse();
        assertThat(a.missing(0)).isEqualTo(0xFEL);
    }

    @Test
    void withNoBufferLeftAFileTakesSinglePacketsAndStillEndsIntact() throws Exception {
        Recorder sink = new Recorder();
        BlockAssembler a = new BlockAssembler(geometry, sink, 800, false);
        for (int i = 0; i < 8; i += 2) {
            feed(a, 0, i);
            feed(a, 1, i);
        }
        for (int i = 1; i < 8; i += 2) {
            feed(a, 0, i);
            feed(a, 1, i);
        }
        for (int b = 2; b < 4; b++) {
            for (int i = 0; i < geometry.packetsIn(b); i++) {
                feed(a, b, i);
            }
        }
        assertThat(a.allComplete()).isTrue();
        assertThat(sink.written).isEqualTo(image);
    }

    @Test
    void aStreamPastItsReorderBufferRefusesTheBlockWhichIsThenMissingAgain() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StreamSink sink = new StreamSink(Channels.newChannel(out), "memory", image.length, 800);
        BlockAssembler a = new BlockAssembler(geometry, sink, 1 << 20, false);
        for (int b : new int[] {1, 2}) {
            for (int i = 0; i < 8; i++) {
                feed(a, b, i);
            }
        }
        assertThat(a.isComplete(1)).isTrue();
        assertThat(a.isComplete(2)).as("no room ahead of the stream").isFalse();
        assertThat(a.missing(2)).isEqualTo(0xFFL);
        for (int b : new int[] {0, 2, 3}) {
            for (int i = 0; i < geometry.packetsIn(b); i++) {
                feed(a, b, i);
            }
        }
        assertThat(a.allComplete()).isTrue();
        assertThat(out.toByteArray()).isEqualTo(image);
        assertThat(sink.finish(f -> {})).isEqualTo(Sha256.of(java.security.MessageDigest.getInstance("SHA-256").digest(image)));
    }

    @Test
    void blocksWaitingForTheSurveyAreIgnoredUntilDecidedThenOnlyTheNeededOnesAreReceived() throws Exception {
        Recorder sink = new Recorder();
        BlockAssembler a = new BlockAssembler(geometry, sink, 1 << 20, false);
        a.waitFrom(1);
        for (int i = 0; i < geometry.packetsIn(2); i++) {
            feed(a, 2, i);
        }
        assertThat(sink.offsets).as("a waiting block is not written").isEmpty();
        assertThat(a.nextIncomplete(0)).isZero();
        assertThat(a.nextIncomplete(1)).as("nor asked for").isEqualTo(geometry.blockCount());
        java.util.BitSet needed = new java.util.BitSet();
        needed.set(2);
        a.decide(needed);
        assertThat(a.nextIncomplete(1)).isEqualTo(2);
        assertThat(a.bytesComplete()).isEqualTo(geometry.blockLength(1) + geometry.blockLength(3));
        for (int b : new int[] {0, 2}) {
            for (int i = 0; i < geometry.packetsIn(b); i++) {
                feed(a, b, i);
            }
        }
        assertThat(sink.offsets).containsExactly(0L, 1600L);
        assertThat(a.allComplete()).isTrue();
    }
}
