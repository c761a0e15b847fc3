package dev.broadband.agent.sender;

import dev.broadband.agent.fec.BlockCodes;
import dev.broadband.agent.fec.ReedSolomon;
import dev.broadband.agent.session.Geometry;
import dev.broadband.agent.transport.PacketPort;
import dev.broadband.agent.wire.WireCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Frames a block's data and parity packets from the image and puts them on the wire at the paced rate. */
final class BlockSender {
    /** Ethernet, IP and UDP headers: what a datagram costs on the wire beyond its payload. */
    static final int FRAME_OVERHEAD = 14 + 20 + 8;

    private final ImageSource image;
    private final Geometry geometry;
    private final WireCodec codec;
    private final PacketPort port;
    private final RateController rate;
    private final long session;
    private final FirstPassHash hash;
    private final byte[] block;
    private final ByteBuffer blockBuffer;
    private final ByteBuffer packet = ByteBuffer.allocateDirect(WireCodec.MAX_DATAGRAM + 64);
    private final byte[][] symbols;
    private final byte[] parity;
    private final BlockCodes codes;
    private int cachedBlock = -1;
    private boolean symbolsLoaded;
    private int seq;
    long packetsSent;
    long bytesSent;

    BlockSender(ImageSource image, Geometry geometry, WireCodec codec, PacketPort port, RateController rate,
                long session, FirstPassHash hash) {
        this.image = image;
        this.geometry = geometry;
        this.codec = codec;
        this.port = port;
        this.rate = rate;
        this.session = session;
        this.hash = hash;
        this.block = new byte[(int) geometry.blockBytes()];
        this.blockBuffer = ByteBuffer.wrap(block);
        this.symbols = new byte[geometry.blockPackets()][geometry.payloadSize()];
        this.codes = new BlockCodes(geometry.blockPackets());
        this.parity = new byte[geometry.payloadSize()];
    }

    /**
     * Sends the data packets of {@code blockIndex} set in {@code mask}, then {@code parityCount} parity packets with
     * indices from {@code parityFirst} on.
     * @return the number sent; fewer when {@code stop} turned true midway
     */
    int send(int blockIndex, long mask, int parityFirst, int parityCount, BooleanSupplier stop) throws IOException {
        load(blockIndex);
        int sent = 0;
        for (long rest = mask; rest != 0 && !stop.getAsBoolean(); rest &= rest - 1) {
            int i = Long.numberOfTrailingZeros(rest);
            codec.startData(packet, session, blockIndex, i, seq++);
            packet.put(block, i * geometry.payloadSize(), geometry.packetLength(blockIndex, i));
            put();
            sent++;
        }
        if (parityCount > 0) {
            int n = geometry.packetsIn(blockIndex);
            ReedSolomon code = codes.code(n);
            loadSymbols(blockIndex);
            for (int j = 0; j < parityCount && !stop.getAsBoolean(); j++) {
                // Past the code's last parity packet, start over: those who lost the first ones still gain.
                int index = (parityFirst + j) % code.maxParity();
                code.encodeParity(symbols, geometry.payloadSize(), index, parity);
                codec.startData(packet, session, blockIndex, geometry.blockPackets() + index, seq++);
                packet.put(parity);
                put();
                sent++;
            }
        }
        return sent;
    }

    private void load(int blockIndex) throws IOException {
        if (cachedBlock != blockIndex) {
            image.read(geometry.blockOffset(blockIndex), geometry.blockLength(blockIndex), blockBuffer);
            hash.offer(blockIndex, blockBuffer);
            cachedBlock = blockIndex;
            symbolsLoaded = false;
        }
    }

    /** The block as equal-length symbols, the image's short last packet padded with zeros, as the code wants. */
    private void loadSymbols(int blockIndex) {
        if (symbolsLoaded) {
            return;
        }
        int payload = geometry.payloadSize();
        for (int i = 0; i < geometry.packetsIn(blockIndex); i++) {
            int length = geometry.packetLength(blockIndex, i);
            System.arraycopy(block, i * payload, symbols[i], 0, length);
            java.util.Arrays.fill(symbols[i], length, payload, (byte) 0);
        }
        symbolsLoaded = true;
    }

    private void put() throws IOException {
        codec.finish(packet);
        int bytes = packet.remaining();
        pace(bytes + FRAME_OVERHEAD);
        port.sendData(packet);
        packetsSent++;
        bytesSent += bytes;
    }

    /** Sends a control packet (the sender's status, an abort) on the data channel, within the same pacing. */
    void sendControl(ByteBuffer encoded) throws IOException {
        int bytes = encoded.remaining();
        pace(bytes + FRAME_OVERHEAD);
        port.sendData(encoded);
        bytesSent += bytes;
    }

    private void pace(int wireBytes) {
        long delay;
        while ((delay = rate.delayFor(wireBytes, System.nanoTime())) > 0) {
            LockSupport.parkNanos(delay);
        }
    }
}
