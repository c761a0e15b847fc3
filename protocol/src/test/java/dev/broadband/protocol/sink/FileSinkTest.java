package dev.broadband.protocol.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.broadband.protocol.session.Sha256;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSinkTest {
    @TempDir
    Path dir;

    @Test
    void overwritesALongerFileAndEndsAtExactlyTheImageSize() throws Exception {
        Path out = dir.resolve("copy");
        Files.write(out, new byte[10_000]);
        byte[] image = "hello, broadband".getBytes();
        try (FileSink sink = FileSink.open(out, image.length)) {
            sink.write(7, ByteBuffer.wrap(image, 7, image.length - 7));
            sink.write(0, ByteBuffer.wrap(image, 0, 7));
            assertThat(sink.finish(f -> {})).isEqualTo(Sha256.of(MessageDigest.getInstance("SHA-256").digest(image)));
        }
        assertThat(Files.readAllBytes(out)).isEqualTo(image);
    }

    @Test
    void readsBackAndHashesChunksAsTheyCompleteInAnyOrderAndTheRestAtTheEnd() throws Exception {
        Path out = dir.resolve("big");
        byte[] image = new byte[(40 << 20) + 12345];
        new java.util.SplittableRandom(5).nextBytes(image);
        int block = 1 << 20;
        try (FileSink sink = FileSink.open(out, image.length)) {
            // Blocks complete out of order; the first 16 MiB chunk is verified once blocks 0..15 are all there.
            for (int start : new int[] {3, 0, 2, 1}) {
                for (int b = start; b * block < image.length; b += 4) {
                    int length = Math.min(block, image.length - b * block);
                    sink.write((long) b * block, ByteBuffer.wrap(image, b * block, length));
                    sink.completed((long) b * block, length);
                }
            }
            double[] last = {0};
            Sha256 sha = sink.finish(f -> last[0] = f);
            assertThat(sha).isEqualTo(Sha256.of(MessageDigest.getInstance("SHA-256").digest(image)));
            assertThat(last[0]).isEqualTo(1.0);
        }
    }

    @Test
    void aByteChangedOnDiskAfterItWasWrittenShowsInTheHash() throws Exception {
        Path out = dir.resolve("tampered");
        byte[] image = new byte[1 << 20];
        new java.util.SplittableRandom(6).nextBytes(image);
        try (FileSink sink = FileSink.open(out, image.length)) {
            sink.write(0, ByteBuffer.wrap(image));
            try (java.nio.channels.FileChannel other = java.nio.channels.FileChannel.open(out, java.nio.file.StandardOpenOption.WRITE)) {
                other.write(ByteBuffer.wrap(new byte[] {(byte) ~image[777]}), 777);
            }
            sink.completed(0, image.length);
            assertThat(sink.finish(f -> {})).isNotEqualTo(Sha256.of(MessageDigest.getInstance("SHA-256").digest(image)));
        }
    }

    @Test
    void refusesADirectoryAndAMissingParentWithWhatToDo() {
        assertThatThrownBy(() -> FileSink.open(dir, 1)).hasMessageContaining("is a directory");
        assertThatThrownBy(() -> FileSink.open(dir.resolve("no/such/file"), 1)).hasMessageContaining("does not exist");
    }
}
