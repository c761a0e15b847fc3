package dev.broadband.agent.sender;

import dev.broadband.agent.session.Geometry;
import dev.broadband.agent.transport.PacketPort;
import dev.broadband.agent.wire.WireCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Frames a block's packets from the image and puts them on the wire at the paced rate. */
final class BlockSender {
    /** Ethernet, IP and UDP headers: what a datagram costs on the wire beyond its payload. */
    static final int FRAME_OVERHEAD = 14 + 20 + 8;

    private final ImageSource image;
    private final Geometry geometry;
    private final WireCodec codec;
    private final PacketPort port;
    private final RateController rate;
    private final long session;
    private final ByteBuffer block;
    private final ByteBuffer packet = ByteBuffer.allocateDirect(WireCodec.MAX_DATAGRAM + 64);
    private int cachedBlock = -1;
    private int seq;
    long packetsSent;
    long bytesSent;

    BlockSender(ImageSource image, Geometry geometry, WireCodec codec, PacketPort port, RateController rate,
                long session) {
        this.image = image;
        this.geometry = geometry;
        this.codec = codec;
        this.port = port;
        this.rate = rate;
        this.session = session;
        this.block = ByteBuffer.allocateDirect((int) geometry.blockBytes());
    }

    /**
     * Sends the packets of {@code blockIndex} set in {@code mask}.
     * @return the number sent; fewer when {@code stop} turned true midway
     */
    int send(int blockIndex, long mask, BooleanSupplier stop) throws IOException {
        if (cachedBlock != blockIndex) {
            image.read(geometry.blockOffset(blockIndex), geometry.blockLength(blockIndex), block);
            cachedBlock = blockIndex;
        }
        int sent = 0;
        for (long rest = mask; rest != 0 && !stop.getAsBoolean(); rest &= rest - 1) {
            int i = Long.numberOfTrailingZeros(rest);
            int offset = i * geometry.payloadSize();
            codec.startData(packet, session, blockIndex, i, seq++);
            packet.put(block.slice(offset, geometry.packetLength(blockIndex, i)));
            codec.finish(packet);
            int bytes = packet.remaining();
            pace(bytes + FRAME_OVERHEAD);
            port.sendData(packet);
            packetsSent++;
            bytesSent += bytes;
            sent++;
        }
        return sent;
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
