package dev.broadband.protocol.sender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.broadband.protocol.session.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HashCacheTest {
    private static final Sha256 HASH = Sha256.parse("7cfcd0b90625fb2a93a45eca38ec1b3b81f603aab530afa1d31f7308ea0f8737");

    @TempDir
    Path dir;

    private Path image() throws IOException {
        return Files.write(dir.resolve("disk.img"), new byte[] {1, 2, 3, 4});
    }

    @Test
    void aHashKeptForTheFileIsReadBackWhileTheFileIsUnchanged() throws IOException {
        Path image = image();
        HashCache none = HashCache.of(image);
        assertThat(none.kept()).isNull();
        assertThat(none.why()).isEqualTo("none kept yet");
        none.keep(HASH);
        assertThat(dir.resolve("disk.img.bbsha256")).exists();
        assertThat(dir.resolve("disk.img.bbsha256.part")).doesNotExist();
        HashCache kept = HashCache.of(image);
        assertThat(kept.kept()).isEqualTo(HASH);
        assertThat(kept.why()).isNull();
    }

    @Test
    void aFileChangedSinceItsHashWasKeptIsHashedAgain() throws IOException {
        Path image = image();
        HashCache.of(image).keep(HASH);
        Files.write(image, new byte[] {1, 2, 3, 5});
        Files.setLastModifiedTime(image, FileTime.from(Instant.now().plusSeconds(5)));
        HashCache changed = HashCache.of(image);
        assertThat(changed.kept()).isNull();
        assertThat(changed.why()).isEqualTo("the one kept was taken from another version of the file");
    }

    @Test
    void aFileChangedWhileItWasSentHasNoHashKept() throws IOException {
        Path image = image();
        HashCache before = HashCache.of(image);
        Files.setLastModifiedTime(image, FileTime.from(Instant.now().plusSeconds(5)));
        assertThatThrownBy(() -> before.keep(HASH)).isInstanceOf(IOException.class)
                .hasMessage(image + " changed while it was being sent, so its hash is not kept");
        assertThat(dir.resolve("disk.img.bbsha256")).doesNotExist();
    }

    @Test
    void aDamagedCacheCountsAsNoneAndSaysWhy() throws IOException {
        Path image = image();
        Files.writeString(dir.resolve("disk.img.bbsha256"), "sha256 not-hex\nsize 4\n");
        HashCache damaged = HashCache.of(image);
        assertThat(damaged.kept()).isNull();
        assertThat(damaged.why()).isEqualTo("the one kept is damaged: it has 2 lines, not 5");
    }

    @Test
    void somethingThatIsNotARegularFileIsRefusedSayingSo() {
        assertThatThrownBy(() -> HashCache.of(dir)).isInstanceOf(IOException.class)
                .hasMessageContaining("is not a regular file").hasMessageContaining("leave out --cache");
    }
}
