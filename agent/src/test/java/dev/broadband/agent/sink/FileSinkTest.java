package dev.broadband.agent.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.broadband.agent.session.Sha256;
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
    void refusesADirectoryAndAMissingParentWithWhatToDo() {
        assertThatThrownBy(() -> FileSink.open(dir, 1)).hasMessageContaining("is a directory");
        assertThatThrownBy(() -> FileSink.open(dir.resolve("no/such/file"), 1)).hasMessageContaining("does not exist");
    }
}
