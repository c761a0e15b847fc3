package dev.broadband.agent.receiver;

import dev.broadband.agent.fec.ReedSolomon;
import dev.broadband.agent.session.Geometry;
import dev.broadband.agent.session.Sha256;
import dev.broadband.agent.sink.Sink;
import dev.broadband.agent.wire.ControlMessage.SenderStatus;
import dev.broadband.agent.wire.MalformedPacketException;
import dev.broadband.agent.wire.WireCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoubleConsumer;

/**
 * Runs the receive path on made-up packets while the client waits for its server: decoding, assembling blocks,
 * rebuilding lost packets from parity, asking for repairs and hashing. The JIT then compiles that path before the
 * transfer, instead of in the middle of it, when every cycle of a busy host counts. Nothing here touches the real
 * session; it stops once the path is warm or as soon as the server answers.
 */
final class ReceivePathWarmup {
    private static final int ROUNDS = 12;
    private static final int BLOCKS = 16;
    private static final long SESSION = 1;
    private static final int LOST_EVERY = 16;

    private final WireCodec codec;
    /** Every block whole, the last packet short, as in most images. */
    private final Geometry geometry = new Geometry(BLOCKS * 64L * 1448 - 700, 1448, 64);
    private final ReedSolomon code = new ReedSolomon(64);
    private final ByteBuffer packet = ByteBuffer.allocateDirect(WireCodec.MAX_DATAGRAM + 64);
    private final byte[][] symbols = new byte[64][geometry.payloadSize()];
    private final byte[] parity = new byte[geometry.payloadSize()];
    private final ByteBuffer scratch = ByteBuffer.allocateDirect((int) geometry.blockBytes());
    private final MessageDigest digest = Sha256.newDigest();
    private int round;
    private int seq;

    ReceivePathWarmup(WireCodec codec) {
        this.codec = codec;
        SplittableRandom random = new SplittableRandom(7854);
        for (byte[] symbol : symbols) {
            random.nextBytes(symbol);
        }
    }

    boolean done() {
        return round >= ROUNDS;
    }

    /** One pass of a small made-up image through the path; a few milliseconds once compiled. */
    void step() throws IOException {
        if (done()) {
            return;
        }
        BlockAssembler blocks = new BlockAssembler(geometry, new HashingSink(), 1 << 24, true);
        CarouselView view = new CarouselView(geometry.blockCount(), 0, true);
        RepairRequester repairs = new RepairRequester(geometry.blockCount(), new RepairTiming(0, 0, 0),
                new SplittableRandom(round));
        for (int b = 0; b < geometry.blockCount(); b++) {
            int n = geometry.packetsIn(b);
            for (int i = 0; i < n; i++) {
                if (i % LOST_EVERY != 3) {
                    codec.startData(packet, SESSION, b, i, seq++);
                    packet.put(symbols[i], 0, geometry.packetLength(b, i));
                    receive(blocks);
                }
            }
            view.onStatus(new SenderStatus(SESSION, seq, 0, b + 1, false, 1, null, List.of()));
            repairs.due(1 + seq, view, blocks, 400);
            repairs.due(2 + seq, view, blocks, 400);
            for (int j = 0; j < Long.bitCount(blocks.missing(b)); j++) {
                code.encodeParity(symbols, geometry.payloadSize(), j, parity);
                codec.startData(packet, SESSION, b, geometry.blockPackets() + j, seq++);
                packet.put(parity);
                receive(blocks);
            }
        }
        round++;
    }

    private void receive(BlockAssembler blocks) throws IOException {
        codec.finish(packet);
        try {
            if (codec.open(packet) && WireCodec.session(packet) == SESSION) {
                blocks.accept(WireCodec.dataBlock(packet), WireCodec.dataSymbol(packet), packet, WireCodec.DATA_HEADER,
                        packet.limit() - WireCodec.DATA_HEADER);
            }
        } catch (MalformedPacketException e) {
            throw new IllegalStateException("warm-up packet refused: " + e.getMessage(), e);
        }
    }

    /** Takes blocks and hashes them as the read-back verifier does, then forgets them. */
    private final class HashingSink implements Sink {
        @Override
        public boolean write(long offset, ByteBuffer data) {
            scratch.clear();
            scratch.put(data).flip();
            Sha256.update(digest, scratch);
            return true;
        }

        @Override
        public boolean randomAccess() {
            return true;
        }

        @Override
        public Sha256 finish(DoubleConsumer progress) {
            return Sha256.of(digest.digest());
        }

        @Override
        public String description() {
            return "warm-up";
        }

        @Override
        public void close() {}
    }
}
