package dev.broadband.protocol.sender;

import dev.broadband.protocol.session.Geometry;
import dev.broadband.protocol.wire.BlockNeed;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Decides which block the sender transmits next and what of it. It cycles over the blocks in order (the
 * carousel), sending each block's data packets that somebody still needs; a NACKed block jumps the queue, lowest
 * first, so that a loss is repaired within moments and never by rewinding the image. A client that joins marks
 * every block as needed, and catches up as the carousel comes round again, without holding the others back; a
 * delta client marks the manifest's blocks, then those its Want names, so a block nobody lacks is never sent.
 *
 * <p>Repair is by parity when {@code parity} is on: a NACK says how many symbols a receiver still lacks, and the
 * block gets that many new parity packets, the largest count asked for, since one parity packet repairs a
 * different loss at every receiver. While one receiver alone can ask, the data packets it names go out instead, as
 * many: neither end has parity to compute, which at 2 % loss cost its 2.8 s stream 0.3 s on the cores it shared.
 * (With more, a parity packet may serve one that has not asked yet, and every receiver holds back a NACK that the
 * queued parity count covers.) Without parity, the lost data packets themselves are resent, each once for all who
 * asked.
 *
 * <p>The carousel hands out blocks in a {@link Batch}: a repair alone, the blocks of a pass a run of up to
 * {@code interleave} at a time, their packets interleaved so that a burst of losses is spread over them;
 * {@link SendSchedule} decides which goes out when.
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
    /** With parity, the data packets named by the NACKs counted in parityWanted. */
    private final long[] parityAsked;
    private final int[] parityNext;
    private final BitSet urgent = new BitSet();
    private final Batch run;
    private final Batch repair;
    /** Only one receiver may still ask for repairs: what it names is what everybody lacks. */
    private boolean oneAsker;
    private int blocksPending;
    private int scanFrom;
    private int frontier;
    private int pass;

    /**
     * @param parity repair with parity packets instead of resending data
     * @param proactiveParity parity packets sent with every full block unasked, as a share of its packets
     * @param interleave how many blocks of a pass go out interleaved (1: each whole, one after the other)
     */
    public Carousel(Geometry geometry, boolean parity, double proactiveParity, int interleave) {
        this.geometry = geometry;
        this.run = new Batch(geometry.blockPackets(), interleave);
        this.repair = new Batch(geometry.blockPackets(), 1);
        this.parity = parity;
        this.proactiveParity = parity ? proactiveParity : 0;
        this.need = new long[geometry.blockCount()];
        this.parityWanted = parity ? new int[need.length] : null;
        this.parityAsked = parity ? new long[need.length] : null;
        this.parityNext = parity ? new int[need.length] : null;
    }

    /** How many receivers may still ask for repairs. */
    public void askers(int receivers) {
        oneAsker = receivers == 1;
    }

    /** A client joined: it needs every packet of every block. */
    public void needEverything() {
        needBlocks(0, need.length);
    }

    /** A client needs every packet of the blocks [from, to): they go out as the carousel comes to them. */
    public void needBlocks(int from, int to) {
        for (int b = Math.max(0, from); b < Math.min(to, need.length); b++) {
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
            parityAsked[block] |= valid;
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
     * Takes the lowest block NACKed and clears what it needed.
     * @return the repair, valid until the next call, or null when none is queued
     */
    public Batch nextRepair() {
        for (int b = urgent.nextSetBit(0); b >= 0; b = urgent.nextSetBit(0)) {
            urgent.clear(b);
            if (pending(b)) {
                repair.clear(true);
                take(repair, b);
                return repair.deal();
            }
        }
        return null;
    }

    /**
     * Takes the next blocks of the pass that somebody needs and clears what they needed. The frontier moves to the
     * first of them, so a status sent while they go out does not count them as offered yet.
     * @return the run, valid until the next call, or null when nobody needs anything
     */
    public Batch nextRun() {
        if (blocksPending == 0) {
            return null;
        }
        int b = scan(scanFrom, need.length);
        if (b < 0) {
            pass++;
            b = scan(0, need.length);
        }
        frontier = b;
        run.clear(pass > 0);
        while (b >= 0) {
            take(run, b);
            scanFrom = b + 1;
            b = run.full() ? -1 : scan(scanFrom, need.length);
        }
        return run.deal();
    }

    private int scan(int from, int to) {
        for (int b = from; b < to; b++) {
            if (pending(b)) {
                return b;
            }
        }
        return -1;
    }

    private void take(Batch batch, int block) {
        long mask = need[block];
        need[block] = 0;
        int parityFirst = 0;
        int parityCount = 0;
        if (parity) {
            parityCount = parityWanted[block];
            if (oneAsker || (parityAsked[block] & ~mask) == 0) {
                mask |= parityAsked[block];
                parityCount = 0;
            }
            parityAsked[block] = 0;
            if (mask == geometry.fullMask(block)) {
                parityCount += (int) Math.ceil(proactiveParity * geometry.packetsIn(block));
            }
            parityFirst = parityNext[block];
            parityNext[block] += parityCount;
            parityWanted[block] = 0;
        }
        blocksPending--;
        batch.add(block, mask, parityFirst, parityCount);
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

    /** The first block of the run going out; every block before it in this pass has been offered whole. */
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
