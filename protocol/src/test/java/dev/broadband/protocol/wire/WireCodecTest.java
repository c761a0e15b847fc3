package dev.broadband.protocol.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.broadband.protocol.chunk.ImageEncoding;
import dev.broadband.protocol.chunk.Manifest;
import dev.broadband.protocol.session.Geometry;
import dev.broadband.protocol.session.Sha256;
import dev.broadband.protocol.wire.ControlMessage.Abort;
import dev.broadband.protocol.wire.ControlMessage.Done;
import dev.broadband.protocol.wire.ControlMessage.DoneAck;
import dev.broadband.protocol.wire.ControlMessage.Heartbeat;
import dev.broadband.protocol.wire.ControlMessage.Join;
import dev.broadband.protocol.wire.ControlMessage.Nack;
import dev.broadband.protocol.wire.ControlMessage.Reject;
import dev.broadband.protocol.wire.ControlMessage.SenderStatus;
import dev.broadband.protocol.wire.ControlMessage.Want;
import dev.broadband.protocol.wire.ControlMessage.WantAck;
import dev.broadband.protocol.wire.ControlMessage.Welcome;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class WireCodecTest {
    private static final byte[] KEY = new byte[32];
    private static final Sha256 SHA = Sha256.parse("ab".repeat(32));
    private final ByteBuffer buffer = ByteBuffer.allocate(2048);

    static Stream<ControlMessage> messages() throws Exception {
        List<BlockNeed> needs = List.of(new BlockNeed(0, 1L), new BlockNeed(7, -1L), new BlockNeed(123456, 0x8000_0000_0000_0001L));
        return Stream.of(
                new Join(0, 42, "node-3", false),
                new Join(0, 42, "node-4", true),
                new Want(7, 42, 0, 1, List.of()),
                new Want(7, 42, 2, 3, IntStream.range(0, WireCodec.MAX_RANGES_PER_PACKET)
                        .mapToObj(i -> new BlockRange(i * 10, i * 10 + 3)).toList()),
                new WantAck(7, 42, 2, 1234),
                new Welcome(7, 42, new Geometry(1L << 40, 1448, 64), SHA, InetAddress.getByName("239.1.2.3"), 7854, 99, true,
                        null, null),
                new Welcome(7, 42, new Geometry(90_000, 1448, 64), SHA, null, 7854, 99, true,
                        new ImageEncoding(1L << 31, 1 << 20, Manifest.bytesFor(1L << 31, 1 << 20)),
                        Sha256.parse("cd".repeat(32))),
                new Welcome(7, 42, new Geometry(0, 1432, 1), null, null, 9000, 0, false, null, null),
                new Reject(7, 42, "the session is over"),
                new Nack(7, 42, needs),
                new Heartbeat(7, 42, ClientPhase.VERIFYING, 123456789, -1, 12),
                new Done(7, 42, true, "verified sha256 …"),
                new Done(7, 42, false, ""),
                new DoneAck(7, 42),
                new SenderStatus(7, 5, 1, 700, true, 1000, SHA, needs),
                new SenderStatus(7, -1, 0, 0, false, 0, null, List.of()),
                new Abort(7, "the server was interrupted"));
    }

    @ParameterizedTest
    @MethodSource("messages")
    void everyControlMessageSurvivesTheRoundTripWithAndWithoutKey(ControlMessage message) throws Exception {
        for (PacketAuthenticator key : new PacketAuthenticator[] {null, new PacketAuthenticator(KEY)}) {
            WireCodec codec = new WireCodec(key);
            codec.encode(message, buffer);
            assertThat(buffer.remaining()).isLessThanOrEqualTo(WireCodec.MAX_DATAGRAM);
            assertThat(codec.open(buffer)).isFalse();
            assertThat(codec.decodeControl(buffer)).isEqualTo(message);
        }
    }

    @Test
    void dataPacketsAreReadInPlace() throws Exception {
        WireCodec codec = new WireCodec(new PacketAuthenticator(KEY));
        codec.startData(buffer, 0x1122334455667788L, 3000, 63, -5);
        buffer.put(new byte[] {1, 2, 3});
        codec.finish(buffer);
        assertThat(buffer.remaining()).isEqualTo(WireCodec.DATA_HEADER + 3 + PacketAuthenticator.MAC_LENGTH);
        assertThat(codec.open(buffer)).isTrue();
        assertThat(WireCodec.session(buffer)).isEqualTo(0x1122334455667788L);
        assertThat(WireCodec.dataBlock(buffer)).isEqualTo(3000);
        assertThat(WireCodec.dataSymbol(buffer)).isEqualTo(63);
        assertThat(WireCodec.dataSeq(buffer)).isEqualTo(-5);
        assertThat(buffer.limit()).as("MAC stripped").isEqualTo(WireCodec.DATA_HEADER + 3);
        assertThat(buffer.get(WireCodec.DATA_HEADER + 2)).isEqualTo((byte) 3);
    }

    @Test
    void aFlippedBitAnywhereFailsTheMac() throws Exception {
        WireCodec codec = new WireCodec(new PacketAuthenticator(KEY));
        codec.encode(new Join(0, 42, "n", false), buffer);
        byte[] packet = new byte[buffer.remaining()];
        buffer.get(packet);
        for (int i = 4; i < packet.length; i++) {
            byte[] forged = packet.clone();
            forged[i] ^= 0x10;
            assertThatThrownBy(() -> codec.open(ByteBuffer.wrap(forged))).isInstanceOf(MalformedPacketException.class);
        }
    }

    @Test
    void keyMismatchesAreNamed() throws Exception {
        WireCodec plain = new WireCodec(null);
        WireCodec keyed = new WireCodec(new PacketAuthenticator(KEY));
        plain.encode(new Join(0, 1, "n", false), buffer);
        assertThatThrownBy(() -> keyed.open(buffer)).hasMessageContaining("unauthenticated");
        keyed.encode(new Join(0, 1, "n", false), buffer);
        assertThatThrownBy(() -> plain.open(buffer)).hasMessageContaining("--key-file");
        byte[] other = KEY.clone();
        other[31] = 1;
        assertThatThrownBy(() -> new WireCodec(new PacketAuthenticator(other)).open(buffer)).hasMessageContaining("MAC check failed");
    }

    @Test
    void foreignShortAndTruncatedPacketsAreRefusedNotMisread() throws Exception {
        WireCodec codec = new WireCodec(null);
        assertThatThrownBy(() -> codec.open(ByteBuffer.wrap(new byte[5]))).hasMessageContaining("short");
        assertThatThrownBy(() -> codec.open(ByteBuffer.wrap("GET / HTTP/1.1\r\nHost: x\r\n".getBytes())))
                .hasMessageContaining("not a broadband packet");
        codec.encode(new Nack(1, 2, List.of(new BlockNeed(1, 1), new BlockNeed(2, 2))), buffer);
        byte[] packet = new byte[buffer.remaining()];
        buffer.get(packet);
        for (int cut = WireCodec.HEADER; cut < packet.length; cut++) {
            ByteBuffer truncated = ByteBuffer.wrap(packet, 0, cut).slice();
            codec.open(truncated);
            assertThatThrownBy(() -> codec.decodeControl(truncated)).isInstanceOf(MalformedPacketException.class);
        }
        for (int type : new int[] {0, 13, 127}) {
            byte[] unknown = packet.clone();
            unknown[3] = (byte) type;
            assertThatThrownBy(() -> codec.open(ByteBuffer.wrap(unknown))).hasMessageContaining("unknown packet type " + type);
        }
        packet[2] = 9;
        assertThatThrownBy(() -> codec.open(ByteBuffer.wrap(packet))).hasMessageContaining("protocol version 9");
    }

    @Test
    void randomBytesNeverDecodeSilentlyIntoSomethingElse() {
        WireCodec codec = new WireCodec(null);
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < 20_000; i++) {
            byte[] junk = new byte[random.nextInt(0, 200)];
            random.nextBytes(junk);
            if (junk.length > 3) {
                junk[0] = 0x42;
                junk[1] = 0x42;
                junk[2] = 1;
            }
            ByteBuffer packet = ByteBuffer.wrap(junk);
            try {
                if (!codec.open(packet)) {
                    ControlMessage m = codec.decodeControl(packet);
                    ByteBuffer again = ByteBuffer.allocate(2048);
                    codec.encode(m, again);
                    assertThat(again.remaining()).isEqualTo(junk.length);
                }
            } catch (MalformedPacketException expected) {
                // counted and dropped by the callers
            }
        }
    }

    @Test
    void shortKeysAreRefusedWithAHowTo() {
        assertThatThrownBy(() -> new PacketAuthenticator(new byte[31])).hasMessageContaining("/dev/urandom");
    }
}
