package dev.broadband.protocol.sender;

import dev.broadband.protocol.fec.BlockCodes;
import dev.broadband.protocol.fec.CodingBlock;
import dev.broadband.protocol.fec.ReedSolomon;
import dev.broadband.protocol.session.Geometry;
import dev.broadband.protocol.transport.PacketPort;
import dev.broadband.protocol.wire.WireCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Frames a batch's data and parity packets from the image and puts them on the wire at the paced rate, in the
 * batch's interleaved order. The batch's blocks are read into memory once, when it starts, and held until its last
 * packet went out; a repair may go out meanwhile. Buffers for twice a run's blocks keep the run before in memory
 * too, whose repairs come while the next one goes out.
 *
 * <p>An image byte is copied twice on its way out: from the file into a block (direct memory, so the read needs no
 * bounce buffer of the JDK's) and from there into its datagram, framed in place in the burst the kernel is handed.
 */
final class BlockSender {
    /** Ethernet, IP and UDP headers: what a datagram costs on the wire beyond its payload. */
    static final int FRAME_OVERHEAD = 14 + 20 + 8;

    private final StreamSource image;
    private final Geometry geometry;
    private final WireCodec codec;
    private final PacketPort port;
    private final RateController rate;
    private final long session;
    private final FirstPassHash hash;
    /** A full data or parity datagram's size; only the image's last data packet is shorter. */
    private final int datagram;
    /** Datagrams framed but not yet sent, handed to the port together: all of {@link #datagram} bytes but the last. */
    private final ByteBuffer burst;
    private final int burstDatagrams;
    private int burstCount;
    private int burstWire;
    private final byte[] parity;
    private final BlockCodes codes;
    /** Blocks in memory, one per buffer, with the block each holds (-1 for none). */
    private final ByteBuffer[] blocks;
    /** Each buffer's block read into the planes the code works on, once its first parity packet is due. */
    private final CodingBlock[] coding;
    private final boolean[] codingLoaded;
    private final int[] cached;
    /** How many batches going out use each buffer: those are not to be reused. */
    private final int[] holds;
    private int evictNext;
    private int seq;
    long packetsSent;
    long bytesSent;

    /** @param maxBlocks the most blocks a run holds */
    BlockSender(StreamSource image, Geometry geometry, WireCodec codec, PacketPort port, RateController rate,
                long session, FirstPassHash hash, int maxBlocks) {
        this.image = image;
        this.geometry = geometry;
        this.codec = codec;
        this.port = port;
        this.rate = rate;
        this.session = session;
        this.hash = hash;
        this.codes = new BlockCodes(geometry.blockPackets());
        this.parity = new byte[geometry.payloadSize()];
        this.datagram = codec.dataDatagram(geometry.payloadSize());
        PacketPort.Burst most = port.dataBurst();
        this.burstDatagrams = Math.max(1, Math.min(most.datagrams(), most.bytes() / datagram));
        this.burst = ByteBuffer.allocateDirect(burstDatagrams * datagram);
        int buffers = 2 * maxBlocks;
        this.blocks = new ByteBuffer[buffers];
        for (int i = 0; i < buffers; i++) {
            blocks[i] = ByteBuffer.allocateDirect((int) geometry.blockBytes());
        }
        this.coding = new CodingBlock[buffers];
        this.codingLoaded = new boolean[buffers];
        this.cached = new int[buffers];
        Arrays.fill(cached, -1);
        this.holds = new int[buffers];
    }

    /**
     * Sends the packets of {@code batch} at positions {@code from} to {@code to} (exclusive); a batch is sent from
     * position 0 on, and that first call reads its blocks. At most one run and one repair may be going out at once.
     * @return the number sent; fewer when {@code stop} turned true midway
     */
    int send(Batch batch, int from, int to, BooleanSupplier stop) throws IOException {
        if (from == 0) {
            load(batch);
        }
        int k = geometry.blockPackets();
        int payload = geometry.payloadSize();
        int p = from;
        for (; p < to && !stop.getAsBoolean(); p++) {
            int slot = batch.slotAt(p);
            int block = batch.block(slot);
            int buffer = batch.buffers[slot];
            int symbol = batch.symbolAt(p);
            ByteBuffer packet = burst.slice(burst.position(), datagram);
            if (symbol < k) {
                codec.startData(packet, session, block, symbol, seq++);
                int length = geometry.packetLength(block, symbol);
                packet.put(packet.position(), blocks[buffer], symbol * payload, length);
                packet.position(packet.position() + length);
            } else {
                ReedSolomon code = codes.code(geometry.packetsIn(block));
                loadCoding(buffer, block);
                // Past the code's last parity packet, start over: those who lost the first ones still gain.
                int index = (symbol - k) % code.maxParity();
                code.encodeParity(coding[buffer], index, parity);
                codec.startData(packet, session, block, k + index, seq++);
                packet.put(parity);
            }
            put(packet);
        }
        flush();
        if (p == batch.packets()) {
            for (int slot = 0; slot < batch.size(); slot++) {
                holds[batch.buffers[slot]]--;
            }
        }
        return p - from;
    }

    /** Puts every block of the batch in a buffer: those already in one stay, the others take buffers nobody holds. */
    private void load(Batch batch) throws IOException {
        for (int s = 0; s < batch.size(); s++) {
            int block = batch.block(s);
            int buffer = find(block);
            if (buffer < 0) {
                buffer = evictNext;
                while (holds[buffer] > 0) {
                    buffer = (buffer + 1) % cached.length;
                }
                evictNext = (buffer + 1) % cached.length;
                image.read(geometry.blockOffset(block), geometry.blockLength(block), blocks[buffer]);
                cached[buffer] = block;
                codingLoaded[buffer] = false;
            }
            holds[buffer]++;
            batch.buffers[s] = buffer;
            // In block order, and also for a block already in memory: one sent ahead of its turn (asked for before
            // the carousel got there) was read when the hash could not take it yet.
            hash.offer(block, blocks[buffer]);
        }
    }

    private int find(int block) {
        for (int i = 0; i < cached.length; i++) {
            if (cached[i] == block) {
                return i;
            }
        }
        return -1;
    }

    /** The block's packets as the code reads them, the image's short last packet padded with zeros. */
    private void loadCoding(int buffer, int block) {
        if (codingLoaded[buffer]) {
            return;
        }
        if (coding[buffer] == null) {
            coding[buffer] = new CodingBlock(geometry.blockPackets(), geometry.payloadSize());
        }
        int payload = geometry.payloadSize();
        for (int i = 0; i < geometry.packetsIn(block); i++) {
            coding[buffer].load(i, blocks[buffer], i * payload, geometry.packetLength(block, i));
        }
        codingLoaded[buffer] = true;
    }

    /** Adds a packet framed at the burst's position to it. */
    private void put(ByteBuffer packet) throws IOException {
        codec.finish(packet);
        int bytes = packet.remaining();
        burst.position(burst.position() + bytes);
        burstCount++;
        burstWire += bytes + FRAME_OVERHEAD;
        packetsSent++;
        bytesSent += bytes;
        // Only the last datagram of a burst may be shorter than the others.
        if (bytes < datagram || burstCount == burstDatagrams) {
            flush();
        }
    }

    /** Paces and sends the datagrams framed so far, in one call to the port. */
    private void flush() throws IOException {
        if (burstCount == 0) {
            return;
        }
        pace(burstWire);
        burst.flip();
        if (burstCount == 1) {
            port.sendData(burst);
        } else {
            port.sendData(burst, datagram);
        }
        burst.clear();
        burstCount = 0;
        burstWire = 0;
    }

    /** Sends a control packet (the sender's status, an abort) on the data channel, within the same pacing. */
    void sendControl(ByteBuffer encoded) throws IOException {
        flush();
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
