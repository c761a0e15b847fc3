package dev.broadband.protocol.session;

/**
 * How an image is cut into blocks of packets. Every packet carries {@code payloadSize} bytes except
 * the image's last one; every block has {@code blockPackets} packets except the last block.
 */
public record Geometry(long imageSize, int payloadSize, int blockPackets) {
    /** Repair masks are one 64-bit word per block. */
    public static final int MAX_BLOCK_PACKETS = 64;

    public Geometry {
        if (imageSize < 0) {
            throw new IllegalArgumentException("image size must not be negative: " + imageSize);
        }
        if (payloadSize < 1 || payloadSize > 65000) {
            throw new IllegalArgumentException("payload size out of range: " + payloadSize);
        }
        if (blockPackets < 1 || blockPackets > MAX_BLOCK_PACKETS) {
            throw new IllegalArgumentException("packets per block must be 1.." + MAX_BLOCK_PACKETS + ": " + blockPackets);
        }
        if (blockCountOf(imageSize, (long) payloadSize * blockPackets) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("image too large for this geometry: " + imageSize + " bytes");
        }
    }

    private static long blockCountOf(long size, long blockBytes) {
        return (size + blockBytes - 1) / blockBytes;
    }

    public long blockBytes() {
        return (long) payloadSize * blockPackets;
    }

    public int blockCount() {
        return (int) blockCountOf(imageSize, blockBytes());
    }

    public long packetCount() {
        return (imageSize + payloadSize - 1) / payloadSize;
    }

    public long blockOffset(int block) {
        return block * blockBytes();
    }

    /** The block that holds this byte of the image. */
    public int blockAt(long offset) {
        return (int) (offset / blockBytes());
    }

    public int blockLength(int block) {
        return (int) Math.min(blockBytes(), imageSize - blockOffset(block));
    }

    public int packetsIn(int block) {
        return (blockLength(block) + payloadSize - 1) / payloadSize;
    }

    /** The mask with one bit set for every packet of the block. */
    public long fullMask(int block) {
        int n = packetsIn(block);
        return n == 64 ? -1L : (1L << n) - 1;
    }

    public int packetLength(int block, int packet) {
        return Math.min(payloadSize, blockLength(block) - packet * payloadSize);
    }
}
