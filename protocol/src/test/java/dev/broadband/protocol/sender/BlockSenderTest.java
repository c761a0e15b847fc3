package dev.broadband.protocol.sender;

import static org.assertj.core.api.Assertions.assertThat;

import dev.broadband.protocol.fec.ReedSolomon;
import dev.broadband.protocol.session.Geometry;
import dev.broadband.protocol.session.Sha256;
import dev.broadband.protocol.transport.PacketPort;
import dev.broadband.protocol.wire.WireCodec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlockSenderTest {
    private static final int PAYLOAD = 100;
    private static final int K = 8;
    private static final WireCodec CODEC = new WireCodec(null);

    @TempDir
    Path dir;

    /** Keeps every data packet sent: block, symbol, payload. */
    private static class Wire implements PacketPort {
        final List<int[]> sent = new ArrayList<>();
        final List<byte[]> payloads = new ArrayList<>();

        @Override
        public void sendData(ByteBuffer packet) {
            sent.add(new int[] {WireCodec.dataBlock(packet), WireCodec.dataSymbol(packet)});
            byte[] payload = new byte[packet.remaining() - WireCodec.DATA_HEADER];
            packet.get(WireCodec.DATA_HEADER, payload);
            payloads.add(payload);
        }

        @Override
        public void listenData(int port, InetAddress group) {}

        @Override
        public SocketAddress receiveData(ByteBuffer dst) {
            return null;
        }

        @Override
        public SocketAddress receiveControl(ByteBuffer dst) {
            return null;
        }

        @Override
        public void sendControl(ByteBuffer packet, SocketAddress to) {}

        @Override
        public void await(long nanos) {}

        @Override
        public void wakeup() {}

        @Override
        public void close() {}
    }

    /** A port that takes up to {@code burst.datagrams()} datagrams of one size per call, and notes each call's. */
    private static final class BurstingWire extends Wire {
        final Burst burst;
        final List<List<Integer>> calls = new ArrayList<>();

        BurstingWire(Burst burst) {
            this.burst = burst;
        }

        @Override
        public Burst dataBurst() {
            return burst;
        }

        @Override
        public void sendData(ByteBuffer datagrams, int size) throws IOException {
            List<Integer> lengths = new ArrayList<>();
            for (int at = datagrams.position(); at < datagrams.limit(); at += size) {
                int length = Math.min(size, datagrams.limit() - at);
                lengths.add(length);
                sendData(datagrams.slice(at, length));
            }
            calls.add(lengths);
        }
    }

    private byte[] image(Path file, int size) throws IOException {
        byte[] bytes = new byte[size];
        new SplittableRandom(3).nextBytes(bytes);
        Files.write(file, bytes);
        return bytes;
    }

    @Test
    void aRunOfBlocksGoesOutInterleavedEachPacketOnceFromBlocksReadOnceAtTheStart() throws IOException, InterruptedException {
        Path file = dir.resolve("image");
        byte[] original = image(file, 5 * K * PAYLOAD + 150);
        Geometry geometry = new Geometry(original.length, PAYLOAD, K);
        FirstPassHash hash = new FirstPassHash(geometry.blockCount());
        Carousel carousel = new Carousel(geometry, true, 0.25, 8);
        carousel.needEverything();
        Wire wire = new Wire();
        try (ImageSource image = ImageSource.open(file)) {
            BlockSender sender = new BlockSender(image, geometry, CODEC, wire, RateController.fixed(10_000_000_000L, System.nanoTime()),
                    1, hash, 8);
            Batch batch = carousel.nextRun();
            assertThat(batch.size()).isEqualTo(6);
            assertThat(sender.send(batch, 0, 1, () -> false)).isOne();
            // The rest must come from memory: a re-read now would send zeros.
            Files.write(file, new byte[original.length]);
            assertThat(sender.send(batch, 1, batch.packets(), () -> false)).isEqualTo(batch.packets() - 1);
            assertThat(FirstPassHashTest.awaitResult(hash)).isEqualTo(Sha256.of(Sha256.newDigest().digest(original)));
        }
        assertThat(wire.sent).hasSize(batch(geometry).packets());
        assertThat(wire.sent.subList(0, 7)).as("the first packet of each block, then the second")
                .containsExactly(new int[] {0, 0}, new int[] {1, 0}, new int[] {2, 0}, new int[] {3, 0},
                        new int[] {4, 0}, new int[] {5, 0}, new int[] {0, 1});
        for (int i = 0; i < wire.sent.size(); i++) {
            int block = wire.sent.get(i)[0];
            int symbol = wire.sent.get(i)[1];
            byte[] expected = symbol < K ? data(original, geometry, block, symbol)
                    : parity(original, geometry, block, symbol - K);
            assertThat(wire.payloads.get(i)).as("block %d symbol %d", block, symbol).isEqualTo(expected);
        }
        assertThat(wire.sent.stream().map(Arrays::toString).distinct().count()).as("each packet once")
                .isEqualTo(wire.sent.size());
    }

    @Test
    void aRepairAmidARunLeavesItsBlocksAloneAndReachesTheFirstPassHashWhenItsTurnComes() throws IOException, InterruptedException {
        Path file = dir.resolve("image");
        byte[] original = image(file, 20 * K * PAYLOAD);
        Geometry geometry = new Geometry(original.length, PAYLOAD, K);
        FirstPassHash hash = new FirstPassHash(geometry.blockCount());
        Carousel carousel = new Carousel(geometry, false, 0, 8);
        carousel.needEverything();
        Wire wire = new Wire();
        try (ImageSource image = ImageSource.open(file)) {
            BlockSender sender = new BlockSender(image, geometry, CODEC, wire,
                    RateController.fixed(10_000_000_000L, System.nanoTime()), 1, hash, 8);
            SendSchedule schedule = new SendSchedule(carousel, K);
            assertThat(schedule.next()).isTrue();
            schedule.sent(sender.send(schedule.batch(), schedule.from(), schedule.to(), () -> false));
            carousel.requestRepair(12, 1);
            assertThat(schedule.next()).isTrue();
            assertThat(schedule.batch().repair()).isTrue();
            schedule.sent(sender.send(schedule.batch(), schedule.from(), schedule.to(), () -> false));
            // A client joins: block 12, sent ahead of its turn and still in memory, comes again in its run.
            carousel.needEverything();
            while (schedule.next()) {
                schedule.sent(sender.send(schedule.batch(), schedule.from(), schedule.to(), () -> false));
            }
        }
        for (int i = 0; i < wire.sent.size(); i++) {
            int block = wire.sent.get(i)[0];
            int symbol = wire.sent.get(i)[1];
            assertThat(wire.payloads.get(i)).as("the repair read amid a run left the run's blocks alone")
                    .isEqualTo(data(original, geometry, block, symbol));
        }
        assertThat(FirstPassHashTest.awaitResult(hash)).isEqualTo(Sha256.of(Sha256.newDigest().digest(original)));
    }

    @Test
    void aPortThatTakesManyDatagramsPerCallGetsTheSameDatagramsInTheSameOrderAllOfOneSizeButTheLastOfEachCall()
            throws IOException {
        Path file = dir.resolve("image");
        byte[] original = image(file, 5 * K * PAYLOAD + 150);
        Geometry geometry = new Geometry(original.length, PAYLOAD, K);
        int datagram = CODEC.dataDatagram(PAYLOAD);
        Wire single = new Wire();
        // Room for five datagrams and a half: the byte limit, not the count, ends each call.
        BurstingWire bursting = new BurstingWire(new PacketPort.Burst(64, datagram * 11 / 2));
        for (Wire wire : List.of(single, bursting)) {
            Carousel carousel = new Carousel(geometry, true, 0.25, 8);
            carousel.needEverything();
            try (ImageSource image = ImageSource.open(file)) {
                BlockSender sender = new BlockSender(image, geometry, CODEC, wire,
                        RateController.fixed(10_000_000_000L, System.nanoTime()), 1, new FirstPassHash(geometry.blockCount()), 8);
                Batch batch = carousel.nextRun();
                assertThat(sender.send(batch, 0, batch.packets(), () -> false)).isEqualTo(batch.packets());
            }
        }
        assertThat(bursting.sent).as("block and symbol of every datagram, in order").containsExactlyElementsOf(single.sent);
        assertThat(bursting.payloads).containsExactlyElementsOf(single.payloads);
        assertThat(bursting.calls).as("calls of many datagrams").isNotEmpty();
        int inCalls = 0;
        for (List<Integer> call : bursting.calls) {
            assertThat(call).hasSizeBetween(2, 5);
            assertThat(call.subList(0, call.size() - 1)).as("all but the last of a call").containsOnly(call.get(0));
            assertThat(call.get(call.size() - 1)).isLessThanOrEqualTo(call.get(0));
            inCalls += call.size();
        }
        assertThat(inCalls).as("most datagrams went in calls of several").isGreaterThan(single.sent.size() / 2);
    }

    private static Batch batch(Geometry geometry) {
        Carousel carousel = new Carousel(geometry, true, 0.25, 8);
        carousel.needEverything();
        return carousel.nextRun();
    }

    private static byte[] data(byte[] image, Geometry geometry, int block, int symbol) {
        int from = (int) geometry.blockOffset(block) + symbol * PAYLOAD;
        return Arrays.copyOfRange(image, from, from + geometry.packetLength(block, symbol));
    }

    private static byte[] parity(byte[] image, Geometry geometry, int block, int index) {
        byte[][] symbols = new byte[geometry.packetsIn(block)][PAYLOAD];
        for (int i = 0; i < symbols.length; i++) {
            byte[] d = data(image, geometry, block, i);
            System.arraycopy(d, 0, symbols[i], 0, d.length);
        }
        byte[] out = new byte[PAYLOAD];
        new ReedSolomon(symbols.length).encodeParity(symbols, PAYLOAD, index, out);
        return out;
    }
}
