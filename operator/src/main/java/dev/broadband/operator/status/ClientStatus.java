package dev.broadband.operator.status;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** One receiver in the sender's /status document; {@code name} is the node name it joined with. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ClientStatus(
    String id,
    String name,
    String address,
    ClientState state,
    long bytesReceived,
    long repairs,
    String message) {
}
