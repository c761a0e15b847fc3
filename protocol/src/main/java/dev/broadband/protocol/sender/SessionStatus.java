package dev.broadband.protocol.sender;

import java.util.List;

/**
 * What the sender publishes about its session, for its status endpoint and the operator: a value, rebuilt and
 * replaced whole, never changed in place. Field names are the JSON names of {@code GET /status}; {@code startedAt}
 * is an ISO-8601 instant, null while waiting.
 */
public record SessionStatus(String session, SessionPhase phase, long imageBytes, String sha256, long rateBitsPerSecond,
                            long bytesSent, String startedAt, List<ClientSnapshot> clients, Counters counters) {
    /** Totals since the sender started. */
    public record Counters(long dataPackets, long repairPackets, long statusPackets, long nacksReceived,
                           long packetsDropped) {}
}
