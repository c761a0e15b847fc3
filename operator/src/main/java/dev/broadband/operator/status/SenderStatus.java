package dev.broadband.operator.status;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The sender's {@code GET /status} document. Unknown fields are ignored so that the data plane
 * can add fields without breaking a deployed operator.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SenderStatus(
    String session,
    SenderPhase phase,
    long imageBytes,
    String sha256,
    long rateBitsPerSecond,
    long bytesSent,
    Instant startedAt,
    List<ClientStatus> clients) {

  public SenderStatus {
    clients = clients == null ? List.of() : List.copyOf(clients);
  }
}
