package dev.broadband.protocol.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.broadband.protocol.chunk.ChunkEncoding;
import dev.broadband.protocol.chunk.Fingerprint;
import dev.broadband.protocol.chunk.Manifest;
import dev.broadband.protocol.sender.EncodedImage;
import dev.broadband.protocol.sender.ImageEncoder;
import dev.broadband.protocol.sender.ImageFormat;
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

    /** The image as a user may hold it: compressed whole, gzip in two members as pigz and cat make them. */
    private Path compressed(ImageFormat format) throws IOException {
        Path file = dir.resolve("image." + format.label());
        try (java.io.OutputStream out = Files.newOutputStream(file)) {
            switch (format) {
                case ZSTD -> {
                    try (java.io.OutputStream z = new com.github.luben.zstd.ZstdOutputStream(out)) {
                        z.write(image);
                    }
                }
                case XZ -> {
                    try (java.io.OutputStream z = new org.tukaani.xz.XZOutputStream(out, new org.tukaani.xz.LZMA2Options(1))) {
                        z.write(image);
                    }
                }
                case GZIP -> {
                    int half = image.length / 2;
                    java.util.zip.GZIPOutputStream first = new java.util.zip.GZIPOutputStream(out);
                    first.write(image, 0, half);
                    first.finish();
                    try (java.io.OutputStream second = new java.util.zip.GZIPOutputStream(out)) {
                        second.write(image, half, image.length - half);
                    }
                }
                case RAW -> out.write(image);
            }
        }
        return file;
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = ImageFormat.class, names = {"ZSTD", "XZ", "GZIP"})
    void anImageCompressedWholeIsRecognisedByItsFirstBytesAndArrivesAsTheRawImage(ImageFormat format)
            throws IOException {
        Path file = compressed(format);
        try (ImageSource source = ImageSource.open(file);
             EncodedImage fromCompressed = ImageEncoder.encode(source, dir)) {
            assertThat(source.format()).isEqualTo(format);
            assertThat(fromCompressed.format()).isEqualTo(format);
            assertThat(fromCompressed.imageSha256()).as("the raw image's").isEqualTo(encoded.imageSha256());
            assertThat(fromCompressed.manifest().encoding()).isEqualTo(encoded.encoding());
            byte[] bytes = new byte[(int) fromCompressed.size()];
            ByteBuffer all = ByteBuffer.allocate(bytes.length);
            fromCompressed.read(0, bytes.length, all);
            all.get(bytes);
            assertThat(bytes).as("the same stream as from the raw image").isEqualTo(stream);
        }
    }

    @Test
    void aCompressedImageThatIsCutShortFailsTheEncodingSayingSo() throws IOException {
        Path file = compressed(ImageFormat.XZ);
        byte[] whole = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(whole, whole.length / 2));
        try (ImageSource source = ImageSource.open(file)) {
            assertThatThrownBy(() -> ImageEncoder.encode(source, dir)).isInstanceOf(IOException.class)
                    .hasMessageContaining("is xz-compressed, but does not decompress after")
                    .hasMessageContaining("is the file whole?");
        }
        try (java.util.stream.Stream<Path> left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("broadband-chunks-")))
                    .as("only the store of the image encoded before the test").hasSize(1);
        }
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
        Arrays.fill(random, 5 * MIB + 12_345, 6 * MIB + 12_345, (byte) 0);
        Path oneZeroMib = dir.resolve("random-with-one-zero-mib");
        Files.write(oneZeroMib, random);
        try (ImageSource source = ImageSource.open(oneZeroMib)) {
            assertThat(ImageEncoder.worthEncoding(source)).as("a zero range of one unaligned MiB").isTrue();
        }
    }

    /** Manifest blocks first; once the survey is in, every block in a shuffled order, as a lossy carousel would. */
    private Survey surveyAndDeliver(DecodingSink sink) throws IOException {
        int manifestBlocks = (encoded.encoding().manifestBytes() - 1) / BLOCK + 1;
        for (int b = 0; b < manifestBlocks; b++) {
            assertThat(sink.write((long) b * BLOCK, block(b))).isTrue();
        }
        long deadline = System.nanoTime() + 30_000_000_000L;
        Survey survey;
        while ((survey = sink.survey()) == null) {
            assertThat(System.nanoTime()).as("survey done within 30 s").isLessThan(deadline);
            Thread.onSpinWait();
        }
        assertThat(sink.survey()).as("answered once").isNull();
        List<Integer> order = blocks().subList(manifestBlocks, blocks().size());
        Collections.shuffle(order, new Random(9));
        for (int b : order) {
            assertThat(sink.write((long) b * BLOCK, block(b))).isTrue();
        }
        return survey;
    }

    private static BitSet chunks(int... indices) {
        BitSet set = new BitSet();
        for (int i : indices) {
            set.set(i);
        }
        return set;
    }

    /** The image as its previous version was: chunk 0 (raw) partly other bytes, chunk 3 (text) another line. */
    private byte[] previousVersion() {
        byte[] previous = image.clone();
        new SplittableRandom(3).nextBytes(previous);
        System.arraycopy(image, MIB, previous, MIB, 5 * MIB + 12345);
        System.arraycopy(image, 1000, previous, 1000, MIB - 1000);
        byte[] line = "root:x:0:0:root:/root:/bin/sh\n".getBytes(StandardCharsets.US_ASCII);
        for (int i = 3 * MIB; i < 4 * MIB; i++) {
            previous[i] = line[i % line.length];
        }
        return previous;
    }

    @Test
    void aTargetHoldingThePreviousVersionKeepsWhatMatchesWritesOnlyWhatChangedAndEndsAsTheImage() throws IOException {
        MemoryDevice device = new MemoryDevice(previousVersion());
        DecodingSink sink = new DecodingSink(device, encoded.encoding(), stream.length, Long.MAX_VALUE, true);
        Survey survey = surveyAndDeliver(sink);
        assertThat(survey.lacking()).isEqualTo(chunks(0, 3));
        assertThat(survey.heldBytes()).isEqualTo(image.length - 2L * MIB);
        assertThat(sink.finish(f -> {})).isEqualTo(encoded.imageSha256());
        assertThat(device.bytes).isEqualTo(image);
        // The chunks it held, zeros among them, were not written at all.
        assertThat(device.written.get(MIB, 3 * MIB).cardinality()).isZero();
        assertThat(device.written.get(4 * MIB, image.length).cardinality()).isZero();
    }

    @Test
    void targetsHoldingHalfOfThisImageGarbageOrZerosLackWhatTheyLackAndEndAsTheImage() throws IOException {
        byte[] half = new byte[image.length];
        Arrays.fill(half, (byte) 0xee);
        System.arraycopy(image, 0, half, 0, 4 * MIB);
        byte[] garbage = new byte[image.length];
        new SplittableRandom(5).nextBytes(garbage);
        byte[] zeros = new byte[image.length];
        BitSet[] lacking = {chunks(4, 5, 6), chunks(0, 1, 2, 3, 4, 5, 6), chunks(0, 3, 4, 6)};
        byte[][] targets = {half, garbage, zeros};
        for (int t = 0; t < targets.length; t++) {
            MemoryDevice device = new MemoryDevice(targets[t]);
            DecodingSink sink = new DecodingSink(device, encoded.encoding(), stream.length, Long.MAX_VALUE, true);
            assertThat(surveyAndDeliver(sink).lacking()).as("target " + t).isEqualTo(lacking[t]);
            assertThat(sink.finish(f -> {})).isEqualTo(encoded.imageSha256());
            assertThat(device.bytes).as("target " + t).isEqualTo(image);
        }
    }

    @Test
    void aChunkRangeThatCannotBeReadIsReceivedNeverTrusted() throws IOException {
        MemoryDevice device = new MemoryDevice(image);
        device.failFrom = 3L * MIB + 100;
        device.failTo = 3L * MIB + 200;
        DecodingSink sink = new DecodingSink(device, encoded.encoding(), stream.length, Long.MAX_VALUE, true);
        Survey survey = surveyAndDeliver(sink);
        assertThat(survey.lacking()).isEqualTo(chunks(3));
        assertThat(survey.unreadable()).isEqualTo(1);
        assertThat(survey.unreadableReason()).isEqualTo("Input/output error");
        assertThat(sink.finish(f -> {})).isEqualTo(encoded.imageSha256());
        assertThat(device.written.get(3 * MIB, 4 * MIB).cardinality()).isEqualTo(MIB);
        assertThat(device.bytes).isEqualTo(image);
    }

    @Test
    void aManifestWhoseFingerprintMatchesWhatTheTargetWronglyHoldsEndsInAHashThatIsNotTheImages() throws IOException {
        byte[] held = previousVersion();
        // A manifest that vouches for chunk 0 as the target holds it: only the read-back hash can tell.
        Fingerprint wrong = Fingerprint.of(held, 0, MIB);
        ByteBuffer.wrap(stream).putLong(24, wrong.high()).putLong(32, wrong.low());
        MemoryDevice device = new MemoryDevice(held);
        DecodingSink sink = new DecodingSink(device, encoded.encoding(), stream.length, Long.MAX_VALUE, true);
        assertThat(surveyAndDeliver(sink).lacking()).isEqualTo(chunks(3));
        assertThat(sink.finish(f -> {})).isNotEqualTo(encoded.imageSha256());
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

    /**
     * A device that held other bytes before: every byte it reports must have been written, unless it is surveyed
     * (then kept bytes count too, and the read-back hash judges them).
     */
    private static final class MemoryDevice implements Sink {
        final byte[] bytes;
        final BitSet written = new BitSet();
        private final BitSet done = new BitSet();
        private final boolean surveyed;
        /** A range whose first read fails, as a bad sector's might. */
        long failFrom = -1;
        long failTo = -1;

        MemoryDevice(int size) {
            bytes = new byte[size];
            Arrays.fill(bytes, (byte) 0xee);
            surveyed = false;
        }

        MemoryDevice(byte[] held) {
            bytes = held.clone();
            surveyed = true;
        }

        @Override
        public synchronized boolean write(long offset, ByteBuffer data) {
            int n = data.remaining();
            data.get(bytes, (int) offset, n);
            written.set((int) offset, (int) offset + n);
            return true;
        }

        @Override
        public synchronized void read(long offset, ByteBuffer dst) throws IOException {
            if (offset < failTo && offset + dst.remaining() > failFrom) {
                failFrom = failTo = -1;
                throw new IOException("Input/output error");
            }
            dst.put(bytes, (int) offset, dst.remaining());
        }

        @Override
        public boolean randomAccess() {
            return true;
        }

        @Override
        public synchronized void completed(long offset, long length) {
            if (!surveyed) {
                assertThat(written.get((int) offset, (int) (offset + length)).cardinality()).isEqualTo((int) length);
            }
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
