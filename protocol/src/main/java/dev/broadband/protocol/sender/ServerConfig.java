package dev.broadband.protocol.sender;

import dev.broadband.protocol.session.Sha256;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * How a sender runs a session.
 *
 * @param destination broadcast address or multicast group, and the data port
 * @param rateBps a fixed rate cap in bits per second on the wire, or 0 to adapt to what receivers report
 * @param maxDatagram largest UDP payload; fits the interface MTU so that nothing is fragmented
 * @param parity repair with Reed-Solomon parity rather than by resending lost packets
 * @param proactiveParity parity sent with each block unasked, as a share of its packets (0 for none)
 * @param declaredSha256 the raw image's SHA-256 known beforehand: announced at once, and checked by the first pass
 * @param sourceSha256 the SHA-256 of the compressed file the image is decoded from, checked against the file before
 *                     the session: named in every Welcome, so that clients that require it accept the image
 */
public record ServerConfig(InetSocketAddress destination, int controlPort, long rateBps, StartPolicy start,
                           Duration dropTimeout, int blockPackets, int maxDatagram, boolean parity,
                           double proactiveParity, Sha256 declaredSha256,
                           Sha256 sourceSha256) {
    public static final int DEFAULT_BLOCK_PACKETS = 64;
    /**
     * Blocks of a pass sent interleaved (see {@link Batch}): a burst of up to this many packets costs a block one
     * packet. The sender holds as many blocks in memory, and a receiver as many partial blocks.
     */
    public static final int INTERLEAVE_BLOCKS = 8;
    public static final Duration STATUS_INTERVAL = Duration.ofMillis(10);
    public static final Duration IDLE_STATUS_INTERVAL = Duration.ofMillis(100);
    public static final long ADAPTIVE_START_BPS = 400_000_000L;
    public static final long ADAPTIVE_CEILING_BPS = 10_000_000_000L;
}
