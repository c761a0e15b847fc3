package dev.broadband.protocol.status;

import java.time.Instant;
import java.util.List;

/**
 * What the sender publishes about its session: its {@code GET /status} document, which the operator reads, defined
 * once for both. A value, rebuilt and replaced whole, never changed in place. Field names are the JSON names;
 * {@code startedAt} is null while waiting, {@code counters} may be absent from a document of another version.
 * {@code sourceFormat} says how the file the user gave holds the image ("raw", "zstd", "xz", "gzip"; the SHA-256
 * is always the raw image's); null where no sender said. Readers ignore fields they do not know, so the sender may
 * add fields without breaking a deployed operator.
 */
public record SessionStatus(String session, SessionPhase phase, long imageBytes, String sha256, long rateBitsPerSecond,
                            long bytesSent, Instant startedAt, List<ClientStatus> clients, Counters counters,
                            String sourceFormat) {
    public SessionStatus {
        clients = clients == null ? List.of() : List.copyOf(clients);
    }

    /** A status that does not know the source's format: one put together from reports rather than served. */
    public SessionStatus(String session, SessionPhase phase, long imageBytes, String sha256, long rateBitsPerSecond,
                         long bytesSent, Instant startedAt, List<ClientStatus> clients, Counters counters) {
        this(session, phase, imageBytes, sha256, rateBitsPerSecond, bytesSent, startedAt, clients, counters, null);
    }

    /**
     * Whether the session has its outcome: it ended, or it is streaming and every client that joined has reported
     * its result, which is when the sender ends it (after half a second for repeated results). A reader that saw
     * this need not see the last report of all, which may live only milliseconds before the sender exits.
     */
    public boolean over() {
        if (phase == null) {
            return false;
        }
        return phase.isOver()
                || (phase == SessionPhase.STREAMING && !clients.isEmpty()
                        && clients.stream().allMatch(c -> c.state() != null && c.state().isDone()));
    }

    /** Totals since the sender started. */
    public record Counters(long dataPackets, long repairPackets, long statusPackets, long nacksReceived,
                           long packetsDropped) {}
}
