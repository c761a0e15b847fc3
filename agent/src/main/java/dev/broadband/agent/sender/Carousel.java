package dev.broadband.agent.sender;

import dev.broadband.agent.session.Geometry;
import dev.broadband.agent.wire.BlockNeed;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Decides which block the sender transmits next and what of it. It cycles over the blocks in order (the
 * carousel), sending each block's data packets that somebody still needs; a NACKed block jumps the queue, lowest
 * first, so that a loss is repaired within moments and never by rewinding the image. A client that joins marks
 * every block as needed, and catches up as the carousel comes round again, without holding the others back.
 *
 * <p>Repair is by parity when {@code parity} is on: a NACK says how many symbols a receiver still lacks, and the
 * block gets that many new parity packets, the largest count asked for, since one parity packet repairs a
 * different loss at every receiver. Without parity, the lost data packets themselves are resent, each once for
 * all who asked.
 *
 * <p>Receivers learn how far the carousel has come from {@link #pass()} and {@link #frontier()}: a block behind the
 * frontier was offered to them, so what they lack there is lost, not late. Not thread-safe: the sender loop owns it.
 */
public final class Carousel {
    private final Geometry geometry;
    private final boolean parity;
    private final double proactiveParity;
    private final long[] need;
    private final int[] parityWanted;
    private final int[] parityNext;
    private final BitSet urgent = new BitSet();
    private int blocksPending;
    private int scanFrom;
    private int frontier;
    private int pass;
    private long lastMask;
    private int lastParityCount;
    private int lastParityFirst;
    private boolean lastWasRepair;

    /** Repair by resending lost data packets. */
    public Carousel(Geometry geometry) {
        this(geometry, false, 0);
    }

    /**
     * @param parity repair with parity packets instead of resending data
     * @param proactiveParity parity packets sent with every full block unasked, as a share of its packets
     */
    public Carousel(Geometry geometry, boolean parity, double proactiveParity) {
        this.geometry = geometry;
        this.parity = parity;
        this.proactiveParity = parity ? proactiveParity : 0;
        this.need = new long[geometry.blockCount()];
        this.parityWanted = parity ? new int[need.length] : null;
        this.parityNext = parity ? new int[need.length] : null;
    }

    /** A client joined: it needs every packet of every block. */
    public void needEverything() {
        for (int b = 0; b < need.length; b++) {
            boolean wasPending = pending(b);
            need[b] |= geometry.fullMask(b);
            countIfNew(b, wasPending);
        }
    }

    /**
     * A client lacks these packets (with parity: as many symbols as bits in the mask); they go out before any block
     * not yet repaired.
     * @return whether this asks for more than was already queued
     */
    public boolean requestRepair(int block, long mask) {
        if (block < 0 || block >= need.length) {
            return false;
        }
        long valid = mask & geometry.fullMask(block);
        if (valid == 0) {
            return false;
        }
        boolean wasPending = pending(block);
        boolean more;
        if (parity) {
            int count = Long.bitCount(valid);
            more = count > parityWanted[block];
            parityWanted[block] = Math.max(parityWanted[block], count);
        } else {
            more = (valid & ~need[block]) != 0;
            need[block] |= valid;
        }
        countIfNew(block, wasPending);
        urgent.set(block);
        return more;
    }

    private boolean pending(int block) {
        return need[block] != 0 || (parity && parityWanted[block] > 0);
    }

    private void countIfNew(int block, boolean wasPending) {
        if (!wasPending && pending(block)) {
            blocksPending++;
        }
    }

    /**
     * Takes the next block to send and clears what it needed; {@link #lastMask()} gives the data packets to send,
     * {@link #lastParityCount()} how many parity packets from {@link #lastParityFirst()} on.
     * @return the block, or -1 when nobody needs anything
     */
    public int next() {
        for (int b = urgent.nextSetBit(0); b >= 0; b = urgent.nextSetBit(0)) {
            urgent.clear(b);
            if (pending(b)) {
                lastWasRepair = true;
                return take(b);
            }
        }
        if (blocksPending == 0) {
            return -1;
        }
        int b = scan(scanFrom, need.length);
        if (b < 0) {
            pass++;
            b = scan(0, need.length);
        }
        frontier = b;
        scanFrom = b + 1;
        lastWasRepair = pass > 0;
        return take(b);
    }

    private int scan(int from, int to) {
        for (int b = from; b < to; b++) {
            if (pending(b)) {
                return b;
            }
        }
        return -1;
    }

    private int take(int block) {
        lastMask = need[block];
        need[block] = 0;
        lastParityCount = 0;
        if (parity) {
            int count = parityWanted[block];
            if (lastMask == geometry.fullMask(block)) {
                count += (int) Math.ceil(proactiveParity * geometry.packetsIn(block));
            }
            lastParityCount = count;
            lastParityFirst = parityNext[block];
            parityNext[block] += count;
            parityWanted[block] = 0;
        }
        blocksPending--;
        return block;
    }

    public long lastMask() {
        return lastMask;
    }

    public int lastParityCount() {
        return lastParityCount;
    }

    /** Index of the first new parity packet; the sender takes it modulo the parity the code has. */
    public int lastParityFirst() {
        return lastParityFirst;
    }

    /** Whether the last block taken was a repair or a later pass, rather than the image's first transmission. */
    public boolean lastWasRepair() {
        return lastWasRepair;
    }

    public boolean parity() {
        return parity;
    }

    public boolean idle() {
        return blocksPending == 0;
    }

    public int pass() {
        return pass;
    }

    /** The block the carousel is at; every block before it in this pass has been offered. */
    public int frontier() {
        return frontier;
    }

    /**
     * Repairs queued and not yet sent, lowest block first, so receivers can hold back the same NACK. With parity the
     * mask has as many bits as parity packets are queued.
     */
    public List<BlockNeed> queuedRepairs(int max) {
        List<BlockNeed> queued = new ArrayList<>();
        for (int b = urgent.nextSetBit(0); b >= 0 && queued.size() < max; b = urgent.nextSetBit(b + 1)) {
            long mask = parity ? lowBits(parityWanted[b]) : need[b];
            if (mask != 0) {
                queued.add(new BlockNeed(b, mask));
            }
        }
        return queued;
    }

    static long lowBits(int count) {
        return count >= 64 ? -1L : (1L << count) - 1;
    }
}
