package dev.broadband.agent.receiver;

import dev.broadband.agent.session.Geometry;
import dev.broadband.agent.sink.Sink;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * Gathers packets into blocks and hands each block to the sink when it is whole, at its offset, in whatever order
 * blocks complete, so one missing packet never stalls the disk. Partial blocks wait in a bounded pool of buffers;
 * when the pool is spent, a sink that takes random writes gets single packets instead, and any other sink loses
 * the packet (it will be asked for again).
 */
final class BlockAssembler {
    private final Geometry geometry;
    private final Sink sink;
    private final long[] received;
    private final BitSet complete = new BitSet();
    private final BitSet direct = new BitSet();
    private final Map<Integer, ByteBuffer> partial = new HashMap<>();
    private final ArrayDeque<ByteBuffer> pool = new ArrayDeque<>();
    private final int maxBuffers;
    private int allocated;
    private int completeBlocks;
    private long bytesComplete;
    long duplicates;
    long refused;

    BlockAssembler(Geometry geometry, Sink sink, long bufferBytes) {
        this.geometry = geometry;
        this.sink = sink;
        this.received = new long[geometry.blockCount()];
        this.maxBuffers = (int) Math.max(1, bufferBytes / Math.max(1, geometry.blockBytes()));
    }

    /**
     * Takes one packet's payload from {@code packet} at {@code from}..{@code from + length}.
     * @return false when it does not fit the geometry (a malformed packet)
     */
    boolean accept(int block, int index, ByteBuffer packet, int from, int length) throws IOException {
        if (block < 0 || block >= received.length || index >= geometry.packetsIn(block)
                || length != geometry.packetLength(block, index)) {
            return false;
        }
        long bit = 1L << index;
        if ((received[block] & bit) != 0 || complete.get(block)) {
            duplicates++;
            return true;
        }
        int offsetInBlock = index * geometry.payloadSize();
        if (direct.get(block)) {
            sink.write(geometry.blockOffset(block) + offsetInBlock, packet.slice(from, length));
        } else {
            ByteBuffer buffer = partial.get(block);
            if (buffer == null) {
                buffer = borrow();
                if (buffer == null) {
                    if (!sink.randomAccess()) {
                        refused++;
                        return true;
                    }
                    direct.set(block);
                    sink.write(geometry.blockOffset(block) + offsetInBlock, packet.slice(from, length));
                } else {
                    partial.put(block, buffer);
                }
            }
            if (buffer != null) {
                buffer.put(offsetInBlock, packet, from, length);
            }
        }
        received[block] |= bit;
        if (received[block] == geometry.fullMask(block)) {
            completeBlock(block);
        }
        return true;
    }

    private void completeBlock(int block) throws IOException {
        ByteBuffer buffer = partial.remove(block);
        if (buffer != null) {
            buffer.position(0).limit(geometry.blockLength(block));
            boolean taken = sink.write(geometry.blockOffset(block), buffer);
            pool.push(buffer);
            if (!taken) {
                received[block] = 0;
                refused++;
                return;
            }
        }
        direct.clear(block);
        complete.set(block);
        completeBlocks++;
        bytesComplete += geometry.blockLength(block);
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

    boolean isComplete(int block) {
        return complete.get(block);
    }

    /** The next block at or after {@code from} that is not complete, or the block count when none is. */
    int nextIncomplete(int from) {
        return Math.min(complete.nextClearBit(from), received.length);
    }

    long missing(int block) {
        return geometry.fullMask(block) & ~received[block];
    }

    boolean allComplete() {
        return completeBlocks == received.length;
    }

    long bytesComplete() {
        return bytesComplete;
    }

    int buffersInUse() {
        return partial.size();
    }
}
