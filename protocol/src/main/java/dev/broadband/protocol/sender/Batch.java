package dev.broadband.protocol.sender;

import java.util.Arrays;

/**
 * What the {@link Carousel} hands out to send next — one block's repair, or a run of up to
 * {@link ServerConfig#INTERLEAVE_BLOCKS} blocks of a pass — and the order its packets go out in: dealt round-robin,
 * the first packet of each block, then the second of each, and so on. A receiver's socket buffer overflowing
 * drops a run of consecutive packets; dealt out like this, the run costs each of the blocks a few packets, which
 * a few parity packets repair, rather than one block most of its packets, which would take as many parity packets
 * as the worst-hit receiver lost.
 *
 * <p>Both the sender and the simulator send in this order ({@link #slotAt}, {@link #symbolAt}), so simulated
 * losses fall as real ones do. Owned by the carousel, which keeps one for repairs and one for runs and refills each
 * when it hands out the next of its kind.
 */
public final class Batch {
    private final int blockPackets;
    private final int[] blocks;
    private final long[] masks;
    private final int[] parityFirst;
    private final int[] parityCount;
    private final long[] dealing;
    /** Where the sender holds each block's bytes while the batch goes out. */
    final int[] buffers;
    private int size;
    private boolean repair;
    private int packets;
    private int[] slotOf = new int[0];
    private int[] symbolOf = new int[0];

    Batch(int blockPackets, int maxBlocks) {
        this.blockPackets = blockPackets;
        this.blocks = new int[maxBlocks];
        this.masks = new long[maxBlocks];
        this.parityFirst = new int[maxBlocks];
        this.parityCount = new int[maxBlocks];
        this.dealing = new long[maxBlocks];
        this.buffers = new int[maxBlocks];
    }

    void clear(boolean repair) {
        this.size = 0;
        this.repair = repair;
    }

    void add(int block, long mask, int firstParity, int parityPackets) {
        blocks[size] = block;
        masks[size] = mask;
        parityFirst[size] = firstParity;
        parityCount[size] = parityPackets;
        size++;
    }

    boolean full() {
        return size == blocks.length;
    }

    /** Deals the blocks' packets out round-robin; called once every block is in. */
    Batch deal() {
        int total = 0;
        for (int s = 0; s < size; s++) {
            total += Long.bitCount(masks[s]) + parityCount[s];
            dealing[s] = masks[s];
        }
        if (slotOf.length < total) {
            slotOf = Arrays.copyOf(slotOf, total);
            symbolOf = Arrays.copyOf(symbolOf, total);
        }
        int p = 0;
        for (int row = 0; p < total; row++) {
            for (int s = 0; s < size; s++) {
                int data = Long.bitCount(masks[s]);
                if (row < data) {
                    slotOf[p] = s;
                    symbolOf[p++] = Long.numberOfTrailingZeros(dealing[s]);
                    dealing[s] &= dealing[s] - 1;
                } else if (row < data + parityCount[s]) {
                    slotOf[p] = s;
                    symbolOf[p++] = blockPackets + parityFirst[s] + row - data;
                }
            }
        }
        packets = total;
        return this;
    }

    /** How many blocks: 1 for a repair. */
    public int size() {
        return size;
    }

    public int block(int slot) {
        return blocks[slot];
    }

    /** The data packets of the block in {@code slot} to send. */
    public long mask(int slot) {
        return masks[slot];
    }

    /** How many new parity packets the block in {@code slot} gets. */
    public int parityCount(int slot) {
        return parityCount[slot];
    }

    /** Whether this repairs or repeats blocks, rather than sends the image for the first time. */
    public boolean repair() {
        return repair;
    }

    /** Packets in the batch, data and parity. */
    public int packets() {
        return packets;
    }

    /** The slot of the block whose packet goes out {@code position}th. */
    public int slotAt(int position) {
        return slotOf[position];
    }

    /**
     * The symbol that goes out {@code position}th: below the block size a data packet's index; from it on, parity
     * packet {@code symbol - blockPackets}, which counts on from every parity packet the block was sent before
     * (the sender takes it modulo the parity its code has).
     */
    public int symbolAt(int position) {
        return symbolOf[position];
    }
}
