package dev.broadband.program.warmup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.broadband.protocol.receiver.ProgressListener;
import dev.broadband.protocol.receiver.RecordingProgress;
import dev.broadband.protocol.wire.PacketAuthenticator;
import dev.broadband.protocol.wire.WireCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The warm-up is a real session over loopback sockets: it must verify, stop when told, and leave nothing behind. */
class WarmUpSessionTest {
    /** Generous: this only tells a hang from a slow machine. */
    private static final Duration HANG = Duration.ofSeconds(120);

    @TempDir
    Path scratch;

    @Test
    void everyRoundIsAVerifiedTransferAndTheScratchFilesGoAfterwards() throws Exception {
        WarmUpSession warmUp = WarmUpSession.start(new WireCodec(null), 2 << 20, 2, scratch);
        assertThat(warmUp.awaitEnd(HANG)).isTrue();
        assertThat(warmUp.verifiedRounds()).isEqualTo(2);
        assertThat(filesIn(scratch)).isEmpty();
    }

    @Test
    void withAKeyEveryPacketIsSignedAndChecked() throws Exception {
        byte[] key = new byte[PacketAuthenticator.MIN_KEY_BYTES];
        new SplittableRandom(1).nextBytes(key);
        WarmUpSession warmUp = WarmUpSession.start(new WireCodec(new PacketAuthenticator(key)), 1 << 20, 1, scratch);
        assertThat(warmUp.awaitEnd(HANG)).isTrue();
        assertThat(warmUp.verifiedRounds()).isEqualTo(1);
    }

    @Test
    void joiningTheRealSessionStopsTheWarmUpMidRoundAndPassesEveryEventOn() throws Exception {
        WarmUpSession warmUp = WarmUpSession.start(new WireCodec(null), 64 << 20, 1000, scratch);
        RecordingProgress recorder = new RecordingProgress();
        ProgressListener listener = warmUp.stoppingWhenJoined(recorder);
        while (filesIn(scratch).isEmpty()) {
            Thread.sleep(1);
        }
        listener.joined();
        listener.progress("receiving", 1, 2);
        listener.finished();
        assertThat(warmUp.awaitEnd(HANG)).isTrue();
        assertThat(warmUp.verifiedRounds()).isLessThan(1000);
        assertThat(filesIn(scratch)).isEmpty();
        assertThat(recorder.heard()).containsExactly("joined", "receiving 1/2", "finished");
    }

    private static List<Path> filesIn(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.toList();
        }
    }
}
