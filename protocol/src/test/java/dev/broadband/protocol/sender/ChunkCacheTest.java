package dev.broadband.protocol.sender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChunkCacheTest {
    private static final int MIB = 1 << 20;

    @TempDir
    Path dir;

    private Path image() throws IOException {
        byte[] bytes = new byte[3 * MIB + 777];
        new SplittableRandom(21).nextBytes(bytes);
        Arrays.fill(bytes, MIB, 2 * MIB, (byte) 0);
        for (int i = 2 * MIB; i < bytes.length; i++) {
            bytes[i] = (byte) ("etc/apt/".charAt(i % 8));
        }
        Path image = dir.resolve("disk.img");
        Files.write(image, bytes);
        return image;
    }

    private static byte[] stream(EncodedImage encoded) throws IOException {
        ByteBuffer all = ByteBuffer.allocate((int) encoded.size());
        encoded.read(0, all.capacity(), all);
        byte[] bytes = new byte[all.remaining()];
        all.get(bytes);
        return bytes;
    }

    @Test
    void theFirstBroadcastEncodesAndKeepsTheChunksAndTheNextReadsTheSameStreamFromThem() throws IOException {
        Path image = image();
        byte[] first;
        try (ImageSource source = ImageSource.open(image);
             EncodedImage fresh = ImageEncoder.encode(source, dir)) {
            first = stream(fresh);
        }
        ChunkCache.Opened made;
        try (ImageSource source = ImageSource.open(image)) {
            made = ChunkCache.open(source, image);
            assertThat(made.how()).startsWith("encoded (no cache yet) and kept in " + dir.resolve("disk.img.bbchunks"));
            assertThat(stream(made.image())).isEqualTo(first);
            made.image().close();
        }
        assertThat(dir.resolve("disk.img.bbchunks")).exists();
        assertThat(dir.resolve("disk.img.bbchunks.part")).doesNotExist();
        try (ImageSource source = ImageSource.open(image)) {
            ChunkCache.Opened read = ChunkCache.open(source, image);
            assertThat(read.how()).isEqualTo("read from " + dir.resolve("disk.img.bbchunks"));
            assertThat(stream(read.image())).isEqualTo(first);
            assertThat(read.image().imageSha256()).isEqualTo(made.image().imageSha256());
            read.image().close();
        }
        assertThat(dir.resolve("disk.img.bbchunks")).as("kept after close").exists();
    }

    @Test
    void aChangedImageIsEncodedAgainAndADamagedCacheIsReplaced() throws IOException {
        Path image = image();
        try (ImageSource source = ImageSource.open(image)) {
            ChunkCache.open(source, image).image().close();
        }
        try (FileChannel ch = FileChannel.open(image, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3}), 2L * MIB + 10);
        }
        try (ImageSource source = ImageSource.open(image)) {
            ChunkCache.Opened again = ChunkCache.open(source, image);
            assertThat(again.how()).startsWith("encoded (the cache was made from another version of the file)");
            assertThat(again.image().imageSha256()).isEqualTo(source.digest(f -> {}));
            again.image().close();
        }
        Path cache = dir.resolve("disk.img.bbchunks");
        try (FileChannel ch = FileChannel.open(cache, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 3);
        }
        try (ImageSource source = ImageSource.open(image)) {
            ChunkCache.Opened repaired = ChunkCache.open(source, image);
            assertThat(repaired.how()).startsWith("encoded (the cache is damaged (it does not end as a cache does))");
            repaired.image().close();
        }
        try (ImageSource source = ImageSource.open(image)) {
            assertThat(ChunkCache.open(source, image).how()).startsWith("read from");
        }
    }

    @Test
    void aCompressedImageKeepsItsRawChunksInTheCacheAndReadsBackTheSameStream() throws IOException {
        Path image = image();
        Path gz = dir.resolve("disk.img.gz");
        try (java.io.OutputStream out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(Files.readAllBytes(image));
        }
        byte[] expected;
        try (ImageSource source = ImageSource.open(image);
             EncodedImage fresh = ImageEncoder.encode(source, dir)) {
            expected = stream(fresh);
        }
        for (String how : new String[] {"encoded", "read from"}) {
            try (ImageSource source = ImageSource.open(gz)) {
                ChunkCache.Opened opened = ChunkCache.open(source, gz);
                assertThat(opened.how()).startsWith(how);
                assertThat(stream(opened.image())).isEqualTo(expected);
                opened.image().close();
            }
        }
    }

    @Test
    void aSourceThatIsNotARegularFileIsRefusedSayingWhy() throws IOException {
        Path image = image();
        try (ImageSource source = ImageSource.open(image)) {
            assertThatThrownBy(() -> ChunkCache.open(source, Path.of("/dev/null")))
                    .hasMessageContaining("not a regular file").hasMessageContaining("leave out --cache");
        }
    }
}
