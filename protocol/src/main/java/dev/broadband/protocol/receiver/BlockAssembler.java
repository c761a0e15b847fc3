package dev.broadband.protocol.receiver;

import dev.broadband.protocol.fec.BlockCodes;
import dev.broadband.protocol.fec.ReedSolomon;
import dev.broadband.protocol.session.Geometry;
import dev.broadband.protocol.sink.Sink;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.BitSet;

/**
 * Gathers packets into blocks and hands each block to the sink when it is whole, at its offset, in whatever order
 * blocks complete, so one missing packet never stalls the disk. With parity, a block is whole as soon as it holds
 * as many symbols, data or parity, as it has data packets: the lost ones are rebuilt.
 *
 * <p>A delta receiver does not know which blocks it needs until it has compared its target with the manifest:
 * until {@link #decide} says, packets of the blocks {@link #waitFrom} put aside are ignored and never asked for.
 *
 * <p>Partial blocks wait in a bounded pool of buffers; when the pool is spent, a sink that takes random writes gets
 * single packets instead (and gives them back for rebuilding), and any other sink loses the packet, which will be
 * asked for again.
 */
final class BlockAssembler implements BlockProgress {
    private final Geometry geometry;
    private final Sink sink;
    private final boolean parity;
    private final long[] received;
    private final BitSet complete = new BitSet();
    private final BitSet direct = new BitSet();
    /** Blocks whose need is not decided yet. */
    private final BitSet waiting = new BitSet();
    // Indexed by block, like received: a lookup per packet without boxing or hashing.
    private final ByteBuffer[] partial;
    private final HeldParity[] heldParity;
    private final ArrayDeque<ByteBuffer> pool = new ArrayDeque<>();
    private final ArrayDeque<byte[]> parityPool = new ArrayDeque<>();
    private final BlockCodes codes;
    private final byte[][] scratch;
    private final boolean[] present;
    private final int maxBuffers;
    private int allocated;
    private int completeBlocks;
    private long bytesComplete;
    long duplicates;

    /** Parity packets kept for a block until it can be rebuilt. */
    private static final class HeldParity {
        final byte[][] payloads;
        final int[] indices;
        int count;

        HeldParity(int capacity) {
            payloads = new byte[capacity][];
            indices = new int[capacity];
        }

        boolean has(int index) {
            for (int i = 0; i < count; i++) {
                if (indices[i] == index) {
                    return true;
                }
            }
            return false;
        }
    }

    BlockAssembler(Geometry geometry, Sink sink, long bufferBytes, boolean parity) {
        this.geometry = geometry;
        this.sink = sink;
        this.parity = parity;
        this.received = new long[geometry.blockCount()];
        this.partial = new ByteBuffer[geometry.blockCount()];
        this.heldParity = new HeldParity[geometry.blockCount()];
        this.codes = new BlockCodes(geometry.blockPackets());
        this.maxBuffers = (int) Math.max(1, bufferBytes / Math.max(1, geometry.blockBytes()));
        this.scratch = parity ? new byte[geometry.blockPackets()][geometry.payloadSize()] : null;
        this.present = parity ? new boolean[geometry.blockPackets()] : null;
    }

    /**
     * Takes one packet's payload from {@code packet} at {@code from}..{@code from + length}.
     * @return false when it does not fit the geometry (a malformed packet)
     */
    boolean accept(int block, int symbol, ByteBuffer packet, int from, int length) throws IOException {
        if (block < 0 || block >= received.length) {
            return false;
        }
        if (waiting.get(block)) {
            return true;
        }
        int n = geometry.packetsIn(block);
        if (symbol < n) {
            return length == geometry.packetLength(block, symbol) && acceptData(block, symbol, packet, from, length);
        }
        int index = symbol - geometry.blockPackets();
        if (!parity || index < 0 || index >= ReedSolomon.MAX_SYMBOLS - n || length != geometry.payloadSize()) {
            return false;
        }
        acceptParity(block, index, packet, from);
        return true;
    }

    private boolean acceptData(int block, int index, ByteBuffer packet, int from, int length) throws IOException {
        long bit = 1L << index;
        if ((received[block] & bit) != 0 || complete.get(block)) {
            duplicates++;
            return true;
        }
        int offsetInBlock = index * geometry.payloadSize();
        if (direct.get(block)) {
            sink.write(geometry.blockOffset(block) + offsetInBlock, packet.slice(from, length));
        } else {
            ByteBuffer buffer = partial[block];
            if (buffer == null) {
                buffer = borrow();
                if (buffer == null) {
                    if (!sink.randomAccess()) {
                        return true;
                    }
                    direct.set(block);
                    sink.write(geometry.blockOffset(block) + offsetInBlock, packet.slice(from, length));
                } else {
                    partial[block] = buffer;
                }
            }
            if (buffer != null) {
                buffer.put(offsetInBlock, packet, from, length);
            }
        }
        received[block] |= bit;
        whole(block);
        return true;
    }

    private void acceptParity(int block, int index, ByteBuffer packet, int from) throws IOException {
        if (complete.get(block)) {
            duplicates++;
            return;
        }
        int lacking = geometry.packetsIn(block) - Long.bitCount(received[block]);
        HeldParity held = heldParity[block];
        if (held == null) {
            held = new HeldParity(geometry.packetsIn(block));
            heldParity[block] = held;
        }
        if (held.count >= lacking || held.has(index)) {
            duplicates++;
            return;
        }
        byte[] payload = parityPool.isEmpty() ? new byte[geometry.payloadSize()] : parityPool.pop();
        packet.get(from, payload);
        held.payloads[held.count] = payload;
        held.indices[held.count] = index;
        held.count++;
        whole(block);
    }

    /** Completes the block when it holds enough: all its data, or (with parity) as many symbols as data packets. */
    private void whole(int block) throws IOException {
        long full = geometry.fullMask(block);
        if (received[block] == full) {
            completeBlock(block);
            return;
        }
        HeldParity held = heldParity[block];
        if (held != null && Long.bitCount(received[block]) + held.count >= geometry.packetsIn(block)) {
            rebuild(block, held);
            completeBlock(block);
        }
    }

    private void rebuild(int block, HeldParity held) throws IOException {
        int n = geometry.packetsIn(block);
        int payload = geometry.payloadSize();
        ByteBuffer buffer = partial[block];
        for (int i = 0; i < n; i++) {
            present[i] = (received[block] & (1L << i)) != 0;
            int length = geometry.packetLength(block, i);
            if (present[i]) {
                if (buffer != null) {
                    buffer.get(i * payload, scratch[i], 0, length);
                } else {
                    sink.read(geometry.blockOffset(block) + (long) i * payload, ByteBuffer.wrap(scratch[i], 0, length));
                }
                // The sender padded the image's short last packet with zeros to encode it.
                Arrays.fill(scratch[i], length, payload, (byte) 0);
            }
        }
        codes.decoder(n).decode(scratch, present, held.payloads, held.indices, held.count, payload);
        for (int i = 0; i < n; i++) {
            if (!present[i]) {
                int length = geometry.packetLength(block, i);
                if (buffer != null) {
                    buffer.put(i * payload, scratch[i], 0, length);
                } else {
                    sink.write(geometry.blockOffset(block) + (long) i * payload, ByteBuffer.wrap(scratch[i], 0, length));
                }
            }
        }
        received[block] = geometry.fullMask(block);
    }

    private void completeBlock(int block) throws IOException {
        releaseParity(block);
        ByteBuffer buffer = partial[block];
        partial[block] = null;
        if (buffer != null) {
            buffer.position(0).limit(geometry.blockLength(block));
            boolean taken = sink.write(geometry.blockOffset(block), buffer);
            pool.push(buffer);
            if (!taken) {
                received[block] = 0;
                return;
            }
        }
        direct.clear(block);
        complete.set(block);
        completeBlocks++;
        bytesComplete += geometry.blockLength(block);
        sink.completed(geometry.blockOffset(block), geometry.blockLength(block));
    }

    private void releaseParity(int block) {
        HeldParity held = heldParity[block];
        heldParity[block] = null;
        if (held != null) {
            for (int i = 0; i < held.count; i++) {
                parityPool.push(held.payloads[i]);
            }
        }
    }

    private ByteBuffer borrow() {
        ByteBuffer buffer = pool.poll();
        if (buffer == null && allocated < maxBuffers) {
            allocated++;
            buffer = ByteBuffer.allocateDirect((int) geometry.blockBytes());
        }
        if (buffer != null) {
            buffer.clear();
        }
        return buffer;
    }

    /** Puts the blocks from {@code first} on aside until {@link #decide} says which of them are needed. */
    void waitFrom(int first) {
        waiting.set(first, received.length);
    }

    /** Of the blocks waiting, those in {@code needed} are received as usual, the others count as complete unsent. */
    void decide(BitSet needed) {
        for (int b = waiting.nextSetBit(0); b >= 0; b = waiting.nextSetBit(b + 1)) {
            if (!needed.get(b)) {
                complete.set(b);
                completeBlocks++;
                bytesComplete += geometry.blockLength(b);
            }
        }
        waiting.clear();
    }

    boolean isComplete(int block) {
        return complete.get(block);
    }

    @Override
    public int nextIncomplete(int from) {
        int b = complete.nextClearBit(from);
        while (b < received.length && waiting.get(b)) {
            b = complete.nextClearBit(waiting.nextClearBit(b));
        }
        return Math.min(b, received.length);
    }

    @Override
    public long missing(int block) {
        long lacking = geometry.fullMask(block) & ~received[block];
        if (!parity || lacking == 0) {
            return lacking;
        }
        HeldParity held = heldParity[block];
        return BlockProgress.stillNeeded(lacking, held == null ? 0 : held.count);
    }

    boolean allComplete() {
        return completeBlocks == received.length;
    }

    long bytesComplete() {
        return bytesComplete;
    }
}
