package dev.broadband.protocol.fec;

/**
 * The Reed-Solomon codes of one session's blocks, made when first needed: every block but the image's last has
 * {@code blockPackets} data symbols; the last may be short, and its code has as many symbols as it has packets.
 */
public final class BlockCodes {
    private final int blockPackets;
    private ReedSolomon wholeCode;
    private ReedSolomon lastCode;
    private ErasureDecoder wholeDecoder;
    private ErasureDecoder lastDecoder;

    public BlockCodes(int blockPackets) {
        this.blockPackets = blockPackets;
    }

    /** The code of a block of {@code n} packets. */
    public ReedSolomon code(int n) {
        if (n == blockPackets) {
            return wholeCode == null ? wholeCode = new ReedSolomon(n) : wholeCode;
        }
        if (lastCode == null || lastCode.dataCount() != n) {
            lastCode = new ReedSolomon(n);
        }
        return lastCode;
    }

    /** The decoder of a block of {@code n} packets. */
    public ErasureDecoder decoder(int n) {
        if (n == blockPackets) {
            return wholeDecoder == null ? wholeDecoder = new ErasureDecoder(code(n)) : wholeDecoder;
        }
        if (lastDecoder == null || lastDecoder.dataCount() != n) {
            lastDecoder = new ErasureDecoder(code(n));
        }
        return lastDecoder;
    }
}
