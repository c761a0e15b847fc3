package dev.broadband.protocol.chunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ChunkCodecTest {
    private static final int LENGTH = 200_000;

    @Test
    void anAllZeroChunkIsAMarkWithoutBytes() {
        byte[] raw = new byte[LENGTH + 7];
        raw[LENGTH] = 1; // past the chunk's length: not part of it
        assertThat(ChunkCodec.encode(raw, LENGTH).encoding()).isEqualTo(ChunkEncoding.ZERO);
        raw[LENGTH - 1] = 1;
        assertThat(ChunkCodec.encode(raw, LENGTH).encoding()).isNotEqualTo(ChunkEncoding.ZERO);
    }

    @Test
    void aCompressibleChunkTravelsAsZstdAndDecodesToItsBytes() {
        byte[] raw = new byte[LENGTH];
        byte[] text = "a line of a configuration file\n".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < LENGTH; i++) {
            raw[i] = text[i % text.length];
        }
        ChunkCodec.Encoded encoded = ChunkCodec.encode(raw, LENGTH);
        assertThat(encoded.encoding()).isEqualTo(ChunkEncoding.ZSTD);
        assertThat(encoded.length()).isLessThan(LENGTH / 10);
        byte[] decoded = new byte[LENGTH];
        ChunkCodec.decompress(encoded.frame(), encoded.length(), decoded, LENGTH);
        assertThat(decoded).isEqualTo(raw);
    }

    @Test
    void aRandomChunkTravelsRaw() {
        byte[] raw = new byte[LENGTH];
        new SplittableRandom(3).nextBytes(raw);
        ChunkCodec.Encoded encoded = ChunkCodec.encode(raw, LENGTH);
        assertThat(encoded.encoding()).isEqualTo(ChunkEncoding.RAW);
        assertThat(encoded.length()).isEqualTo(LENGTH);
    }

    @Test
    void aDamagedFrameOrOneOfAnotherLengthIsRefused() {
        byte[] raw = new byte[LENGTH];
        Arrays.fill(raw, 0, LENGTH / 2, (byte) 7);
        ChunkCodec.Encoded encoded = ChunkCodec.encode(raw, LENGTH);
        byte[] damaged = encoded.frame().clone();
        damaged[0] ^= 0x55;
        assertThatThrownBy(() -> ChunkCodec.decompress(damaged, encoded.length(), new byte[LENGTH], LENGTH))
                .hasMessageContaining("does not decompress");
        assertThatThrownBy(() -> ChunkCodec.decompress(encoded.frame(), encoded.length(), new byte[LENGTH + 1],
                LENGTH + 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
