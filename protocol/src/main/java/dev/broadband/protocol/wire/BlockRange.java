package dev.broadband.protocol.wire;

/** The blocks [from, to) of the stream. */
public record BlockRange(int from, int to) {
    public static final int WIRE_BYTES = 8;

    public BlockRange {
        if (from < 0 || to <= from) {
            throw new IllegalArgumentException("empty or negative block range [" + from + ", " + to + ")");
        }
    }
}
