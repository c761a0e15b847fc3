package dev.broadband.protocol.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.broadband.protocol.chunk.ChunkEncoding;
import dev.broadband.protocol.chunk.Manifest;
import dev.broadband.protocol.sender.EncodedImage;
import dev.broadband.protocol.sender.ImageEncoder;
import dev.broadband.protocol.sender.ImageSource;
import dev.broadband.protocol.session.Sha256;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.function.DoubleConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An image sent as chunks, its stream's blocks in any order, onto a device that held something else. */
class DecodingSinkTest {
    private static final int MIB = 1 << 20;
    private static final int BLOCK = 64 * 1448;

    @TempDir
    Path dir;
    private byte[] image;
    private EncodedImage encoded;
    private byte[] stream;

    @BeforeEach
    void encode() throws IOException {
        // Random, zero, text, zero, random tail: every kind of chunk, and a short last one.
        image = new byte[6 * MIB + 12345];
        new SplittableRandom(1).nextBytes(image);
        Arrays.fill(image, MIB, 3 * MIB, (byte) 0);
        byte[] line = "root:x:0:0:root:/root:/bin/bash\n".getBytes(StandardCharsets.US_ASCII);
        for (int i = 3 * MIB; i < 5 * MIB; i++) {
            image[i] = line[i % line.length];
        }
        Arrays.fill(image, 5 * MIB, 6 * MIB, (byte) 0);
        Path file = dir.resolve("image");
        Files.write(file, image);
        encoded = ImageEncoder.encode(ImageSource.open(file), dir);
        stream = new byte[(int) encoded.size()];
        ByteBuffer all = ByteBuffer.allocate(stream.length);
        encoded.read(0, stream.length, all);
        all.get(stream);
    }

    @AfterEach
    void close() throws IOException {
        encoded.close();
    }

    @Test
    void everyKindOfChunkIsInTheStreamAndTheStreamIsMuchSmallerThanTheImage() throws IOException {
        Manifest m = encoded.manifest();
        assertThat(m.rawBytesIn(ChunkEncoding.ZERO)).isEqualTo(3L * MIB);
        assertThat(m.rawBytesIn(ChunkEncoding.ZSTD)).isEqualTo(2L * MIB);
        assertThat(m.rawBytesIn(ChunkEncoding.RAW)).isEqualTo(MIB + 12345);
        assertThat(stream.length).isLessThan(image.length / 4);
        assertThat(encoded.imageSha256()).isEqualTo(Sha256.of(Sha256.newDigest().digest(image)));
    }

    @Test
    void blocksInAnyOrderEndAsTheImageByteForByteOverWhatTheDeviceHeld() throws IOException {
        MemoryDevice device = new MemoryDevice(image.length);
        DecodingSink sink = new DecodingSink(device, encoded.encoding(), stream.length, Long.MAX_VALUE);
        List<Integer> order = blocks();
        Collections.shuffle(order, new Random(7));
        for (int b : order) {
            assertThat(sink.write((long) b * BLOCK, block(b))).isTrue();
        }
        assertThat(sink.finish(f -> {})).isEqualTo(encoded.imageSha256());
        assertThat(device.bytes).isEqualTo(image);
    }

    @Test
    void blocksBeforeTheManifestWaitInMemoryUpToTheBoundAndAreRefusedPastIt() throws IOException {
        MemoryDevice device = new MemoryDevice(image.length);
        DecodingSink sink = new DecodingSink(device, encoded.encoding(), stream.length, 2L * BLOCK);
        List<Integer> order = blocks();
        int last = order.size() - 1;
        assertThat(sink.write((long) last * BLOCK, block(last))).isTrue();
        assertThat(sink.write(BLOCK, block(1))).isTrue();
        assertThat(sink.write(2L * BLOCK, block(2))).as("past the bound").isFalse();
        assertThat(sink.write(0, block(0))).isTrue();
        for (int b = 2; b < last; b++) {
            assertThat(sink.write((long) b * BLOCK, block(b))).isTrue();
        }
        assertThat(sink.finish(f -> {})).isEqualTo(encoded.imageSha256());
        assertThat(device.bytes).isEqualTo(image);
    }

    @Test
    void aDamagedCompressedChunkFailsTheTransferAndNamesTheRange() throws IOException {
        Manifest m = encoded.manifest();
        int zstd = 3;
        assertThat(m.encodingOf(zstd)).isEqualTo(ChunkEncoding.ZSTD);
        stream[(int) m.streamOffset(zstd) + 2] ^= 0x5a;
        DecodingSink sink = new DecodingSink(new MemoryDevice(image.length), encoded.encoding(), stream.length,
                Long.MAX_VALUE);
        for (int b : blocks()) {
            sink.write((long) b * BLOCK, block(b));
        }
        assertThatThrownBy(() -> sink.finish(f -> {})).isInstanceOf(IOException.class)
                .hasMessageContaining("chunk 3 (bytes 3145728 to 4194304 of the image) came damaged");
    }

    @Test
    void aDamagedManifestEndsTheTransferBeforeAnythingIsDecoded() {
        stream[0] ^= 1;
        MemoryDevice device = new MemoryDevice(image.length);
        DecodingSink sink = new DecodingSink(device, encoded.encoding(), stream.length, Long.MAX_VALUE);
        assertThatThrownBy(() -> sink.write(0, block(0))).isInstanceOf(IOException.class)
                .hasMessageContaining("chunk manifest is damaged");
        assertThat(device.written.cardinality()).isZero();
    }

    @Test
    void aRandomImageIsNotWorthEncodingAndOneWithZerosIs() throws IOException {
        byte[] random = new byte[8 * MIB];
        new SplittableRandom(2).nextBytes(random);
        Path file = dir.resolve("random");
        Files.write(file, random);
        try (ImageSource source = ImageSource.open(file)) {
            assertThat(ImageEncoder.worthEncoding(source)).isFalse();
        }
        try (ImageSource source = ImageSource.open(dir.resolve("image"))) {
            assertThat(ImageEncoder.worthEncoding(source)).isTrue();
        }
    }

    private List<Integer> blocks() {
        List<Integer> order = new ArrayList<>();
        for (int b = 0; (long) b * BLOCK < stream.length; b++) {
            order.add(b);
        }
        return order;
    }

    private ByteBuffer block(int b) {
        int from = b * BLOCK;
        return ByteBuffer.wrap(stream, from, Math.min(BLOCK, stream.length - from)).slice();
    }

    /** A device that held other bytes before: every byte it reports must have been written. */
    private static final class MemoryDevice implements Sink {
        final byte[] bytes;
        final BitSet written = new BitSet();
        private final BitSet done = new BitSet();

        MemoryDevice(int size) {
            bytes = new byte[size];
            Arrays.fill(bytes, (byte) 0xee);
        }

        @Override
        public synchronized boolean write(long offset, ByteBuffer data) {
            int n = data.remaining();
            data.get(bytes, (int) offset, n);
            written.set((int) offset, (int) offset + n);
            return true;
        }

        @Override
        public synchronized void read(long offset, ByteBuffer dst) {
            dst.put(bytes, (int) offset, dst.remaining());
        }

        @Override
        public boolean randomAccess() {
            return true;
        }

        @Override
        public synchronized void completed(long offset, long length) {
            assertThat(written.get((int) offset, (int) (offset + length)).cardinality()).isEqualTo((int) length);
            done.set((int) offset, (int) (offset + length));
        }

        @Override
        public synchronized Sha256 finish(DoubleConsumer progress) {
            assertThat(done.cardinality()).as("bytes completed").isEqualTo(bytes.length);
            return Sha256.of(Sha256.newDigest().digest(bytes));
        }

        @Override
        public String description() {
            return "memory";
        }

        @Override
        public void close() {}
    }
}
