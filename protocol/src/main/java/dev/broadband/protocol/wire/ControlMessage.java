package dev.broadband.protocol.wire;

import dev.broadband.protocol.chunk.ImageEncoding;
import dev.broadband.protocol.session.Geometry;
import dev.broadband.protocol.session.Sha256;
import java.net.InetAddress;
import java.util.List;

/** Every packet other than image data. Values: built fresh for each send, compared by content. */
public sealed interface ControlMessage {
    long session();

    /**
     * Client to server: let me in. Session 0 when the client does not know it yet. With {@code delta} its target may
     * hold chunks of the image already: when the image travels as chunks, the client is sent only the manifest until
     * its {@link Want} says which blocks it lacks.
     */
    record Join(long session, long clientId, String name, boolean delta) implements ControlMessage {}

    /**
     * Server to one client: the session, the first status sent after the client was admitted, and whether repair
     * comes as parity. {@code sha256} is null while the sender is still taking it on its first pass; statuses
     * carry it from then on. {@code encoding} is null when the blocks are the raw image, else they are its chunks.
     * {@code sourceSha256} is the digest of the compressed file the image was decoded from, as the sender checked it
     * against the one it was given; null when it checked none.
     */
    record Welcome(long session, long clientId, Geometry geometry, Sha256 sha256, InetAddress multicastGroup,
                   int dataPort, int statusSeq, boolean parity, ImageEncoding encoding, Sha256 sourceSha256)
            implements ControlMessage {}

    /** Server to one client: you cannot join, and why. */
    record Reject(long session, long clientId, String reason) implements ControlMessage {}

    /**
     * Client to server: of the stream, I need these blocks (a delta client, once it compared its target with the
     * manifest); part {@code part} of {@code parts}, each repeated until acknowledged.
     */
    record Want(long session, long clientId, int part, int parts, List<BlockRange> ranges) implements ControlMessage {
        public Want {
            ranges = List.copyOf(ranges);
        }
    }

    /**
     * Server to one client: this part of your Want is queued; statuses from {@code statusSeq} on count it, so a
     * block offered since then and still lacking was lost.
     */
    record WantAck(long session, long clientId, int part, int statusSeq) implements ControlMessage {}

    /** Client to server: these blocks lack these packets. */
    record Nack(long session, long clientId, List<BlockNeed> needs) implements ControlMessage {}

    /**
     * Client to server, every {@link #INTERVAL_NANOS}: I am alive and this far; my socket dropped this many datagrams
     * for want of buffer so far (cumulative; -1 when unknown), and I lost this share of data packets since my last.
     */
    record Heartbeat(long session, long clientId, ClientPhase phase, long bytesDone, long overflowDrops,
                     int lossPermille) implements ControlMessage {
        /** The sender's rate control reads a report as news of the last interval, so both ends share it. */
        public static final long INTERVAL_NANOS = 200_000_000L;
    }

    /** Client to server: I finished; ok only when what I wrote hashed to the image's SHA-256. */
    record Done(long session, long clientId, boolean ok, String message) implements ControlMessage {}

    /** Server to one client: your Done was heard. */
    record DoneAck(long session, long clientId) implements ControlMessage {}

    /**
     * Server to everyone, on the data channel: how far the carousel is ({@code pass}, {@code frontier}), whether it
     * has nothing left to send ({@code idle}), how many clients are still receiving (the group whose feedback must
     * not swamp it), the image's SHA-256 once known (null before), and which repairs are already queued so that
     * receivers need not ask.
     */
    record SenderStatus(long session, int seq, int pass, int frontier, boolean idle, int receivers, Sha256 sha256,
                        List<BlockNeed> queuedRepairs) implements ControlMessage {}

    /** Server to everyone: the session ended before it completed. */
    record Abort(long session, String reason) implements ControlMessage {}
}
