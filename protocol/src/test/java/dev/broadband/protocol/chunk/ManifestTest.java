package dev.broadband.protocol.chunk;

import static dev.broadband.protocol.chunk.ChunkEncoding.RAW;
import static dev.broadband.protocol.chunk.ChunkEncoding.ZERO;
import static dev.broadband.protocol.chunk.ChunkEncoding.ZSTD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class ManifestTest {
    /** 4.5 chunks of 100 bytes: raw, zero, zero, zstd of 30 bytes, and a raw tail of 50. */
    private static final Fingerprint[] F = {new Fingerprint(1, 2), new Fingerprint(3, 4), new Fingerprint(3, 4),
        new Fingerprint(-5, 6), new Fingerprint(7, -8)};
    private static final Manifest M = new Manifest(450, 100, new ChunkEncoding[] {RAW, ZERO, ZERO, ZSTD, RAW},
            new int[] {100, 0, 0, 30, 50}, F);

    @Test
    void theStreamIsTheManifestThenEveryChunksBytesInOrder() {
        int head = Manifest.bytesFor(450, 100);
        assertThat(M.toBytes()).hasSize(head);
        assertThat(M.streamBytes()).isEqualTo(head + 180);
        assertThat(M.streamOffset(3)).isEqualTo(head + 100);
        assertThat(M.rawOffset(3)).isEqualTo(300);
        assertThat(M.rawLength(4)).isEqualTo(50);
        assertThat(M.rawBytesIn(ZERO)).isEqualTo(200);
    }

    @Test
    void aFingerprintIsOfTheRawBytesAndTellsEveryChangeApart() {
        byte[] a = new byte[1 << 20];
        new java.util.Random(7).nextBytes(a);
        byte[] b = a.clone();
        b[12345] ^= 1;
        assertThat(Fingerprint.of(a, 0, a.length)).isEqualTo(Fingerprint.of(a.clone(), 0, a.length))
                .isNotEqualTo(Fingerprint.of(b, 0, b.length));
        // The tail of a chunk counts: a chunk shortened by one byte is another chunk.
        assertThat(Fingerprint.of(a, 0, a.length - 1)).isNotEqualTo(Fingerprint.of(a, 0, a.length));
    }

    @Test
    void aByteOfTheStreamBelongsToTheChunkWhoseBytesHoldIt() {
        long head = Manifest.bytesFor(450, 100);
        assertThat(M.chunkAt(head)).isZero();
        assertThat(M.chunkAt(head + 99)).isZero();
        // Zero chunks hold no bytes: the byte after chunk 0 is chunk 3's first.
        assertThat(M.chunkAt(head + 100)).isEqualTo(3);
        assertThat(M.chunkAt(head + 130)).isEqualTo(4);
        assertThat(M.chunkAt(head + 179)).isEqualTo(4);
    }

    @Test
    void whatTheSenderWritesTheReceiverParsesBackAsTheSameTable() {
        Manifest parsed = Manifest.parse(M.toBytes(), M.encoding(), M.streamBytes());
        for (int i = 0; i < M.chunks(); i++) {
            assertThat(parsed.encodingOf(i)).isEqualTo(M.encodingOf(i));
            assertThat(parsed.encodedLength(i)).isEqualTo(M.encodedLength(i));
            assertThat(parsed.fingerprint(i)).isEqualTo(F[i]);
        }
    }

    @Test
    void aManifestThatDisagreesWithTheSessionOrWithItselfIsRefused() {
        byte[] bytes = M.toBytes();
        assertThatThrownBy(() -> Manifest.parse(bytes, M.encoding(), M.streamBytes() + 1))
                .hasMessageContaining("add up to");
        assertThatThrownBy(() -> Manifest.parse(bytes, new ImageEncoding(550, 100, Manifest.bytesFor(550, 100)),
                M.streamBytes())).isInstanceOf(IllegalArgumentException.class);
        byte[] badMagic = bytes.clone();
        badMagic[0] ^= 1;
        assertThatThrownBy(() -> Manifest.parse(badMagic, M.encoding(), M.streamBytes()))
                .hasMessageContaining("does not start as a manifest");
        byte[] unknown = bytes.clone();
        ByteBuffer.wrap(unknown).putInt(20, 3 << 30 | 100); // chunk 0's word
        assertThatThrownBy(() -> Manifest.parse(unknown, M.encoding(), M.streamBytes()))
                .hasMessageContaining("unknown encoding 3");
        byte[] zeroWithBytes = bytes.clone();
        ByteBuffer.wrap(zeroWithBytes).putInt(40, ZERO.ordinal() << 30 | 5); // chunk 1's
        assertThatThrownBy(() -> Manifest.parse(zeroWithBytes, M.encoding(), M.streamBytes()))
                .hasMessageContaining("chunk 1 is ZERO of 5 bytes");
        assertThatThrownBy(() -> new Manifest(450, 100, new ChunkEncoding[] {RAW, ZERO, ZERO, ZSTD, RAW},
                new int[] {100, 0, 0, 100, 50}, F)).hasMessageContaining("chunk 3 is ZSTD of 100 bytes");
    }
}
