package dev.broadband.agent.sender;

import dev.broadband.agent.session.Geometry;
import dev.broadband.agent.wire.BlockNeed;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Decides which block the sender transmits next and which of its packets. It cycles over the blocks in order
 * (the carousel), sending each block's packets that somebody still needs; a NACKed block jumps the queue, lowest
 * first, so that a loss is repaired within moments and never by rewinding the image. A client that joins marks
 * every block as needed, and catches up as the carousel comes round again, without holding the others back.
 *
 * <p>Receivers learn how far the carousel has come from {@link #pass()} and {@link #frontier()}: a block behind the
 * frontier was offered to them, so what they lack there is lost, not late. Not thread-safe: the sender loop owns it.
 */
public final class Carousel {
    private final Geometry geometry;
    private final long[] need;
    private final BitSet urgent = new BitSet();
    private int blocksNeeding;
    private int scanFrom;
    private int frontier;
    private int pass;
    private long lastMask;
    private boolean lastWasRepair;

    public Carousel(Geometry geometry) {
        this.geometry = geometry;
        this.need = new long[geometry.blockCount()];
    }

    /** A client joined: it needs every packet of every block. */
    public void needEverything() {
        for (int b = 0; b < need.length; b++) {
            mark(b, geometry.fullMask(b));
        }
    }

    /**
     * A client lacks these packets; they will go out before any block not yet repaired.
     * @return the packets newly asked for (0 when the NACK was out of range or already queued)
     */
    public long requestRepair(int block, long mask) {
        if (block < 0 || block >= need.length) {
            return 0;
        }
        long valid = mask & geometry.fullMask(block);
        long fresh = valid & ~need[block];
        if (valid != 0) {
            mark(block, valid);
            urgent.set(block);
        }
        return fresh;
    }

    private void mark(int block, long mask) {
        if (need[block] == 0 && mask != 0) {
            blocksNeeding++;
        }
        need[block] |= mask;
    }

    /**
     * Takes the next block to send, clearing its need; {@link #lastMask()} gives the packets to send.
     * @return the block, or -1 when nobody needs anything
     */
    public int next() {
        for (int b = urgent.nextSetBit(0); b >= 0; b = urgent.nextSetBit(0)) {
            urgent.clear(b);
            if (need[b] != 0) {
                lastWasRepair = true;
                return take(b);
            }
        }
        if (blocksNeeding == 0) {
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
            if (need[b] != 0) {
                return b;
            }
        }
        return -1;
    }

    private int take(int block) {
        lastMask = need[block];
        need[block] = 0;
        blocksNeeding--;
        return block;
    }

    public long lastMask() {
        return lastMask;
    }

    /** Whether the last block taken was a repair or a later pass, rather than the image's first transmission. */
    public boolean lastWasRepair() {
        return lastWasRepair;
    }

    public boolean idle() {
        return blocksNeeding == 0;
    }

    public int pass() {
        return pass;
    }

    /** The block the carousel is at; every block before it in this pass has been offered. */
    public int frontier() {
        return frontier;
    }

    /** Repairs queued and not yet sent, lowest block first, so receivers can hold back the same NACK. */
    public List<BlockNeed> queuedRepairs(int max) {
        List<BlockNeed> queued = new ArrayList<>();
        for (int b = urgent.nextSetBit(0); b >= 0 && queued.size() < max; b = urgent.nextSetBit(b + 1)) {
            if (need[b] != 0) {
                queued.add(new BlockNeed(b, need[b]));
            }
        }
        return queued;
    }
}
