package dev.broadband.program.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.broadband.protocol.status.ClientStatus;
import dev.broadband.protocol.status.ClientState;
import dev.broadband.protocol.status.SessionPhase;
import dev.broadband.protocol.status.SessionStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusHttpServerTest {
    private final SessionStatus status = new SessionStatus("1f2e3d4c5b6a7980", SessionPhase.STREAMING, 268435456,
            "ab".repeat(32), 812000000, 123456, Instant.parse("2026-11-25T12:00:00Z"),
            List.of(new ClientStatus("a1b2c3d4e5f60718", "node-3", "10.0.0.13:41234", ClientState.RECEIVING, 1048576, 12, ""),
                    new ClientStatus("0000000000000001", "node-7", "10.0.0.17:41234", ClientState.DROPPED, 0, 0, "silent for 30s")),
            new SessionStatus.Counters(1000, 40, 7, 9, 2));

    private static String get(int port, String path) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    @Test
    void servesTheSessionAsJsonWithTheFieldsTheOperatorReads() throws Exception {
        try (StatusHttpServer http = new StatusHttpServer(0, () -> status)) {
            JsonNode json = new ObjectMapper().readTree(get(http.port(), "/status"));
            assertThat(json.get("session").asText()).isEqualTo("1f2e3d4c5b6a7980");
            assertThat(json.get("phase").asText()).isEqualTo("STREAMING");
            assertThat(json.get("imageBytes").asLong()).isEqualTo(268435456);
            assertThat(json.get("rateBitsPerSecond").asLong()).isEqualTo(812000000);
            assertThat(json.get("startedAt").asText()).isEqualTo("2026-11-25T12:00:00Z");
            JsonNode node3 = json.get("clients").get(0);
            assertThat(node3.get("name").asText()).isEqualTo("node-3");
            assertThat(node3.get("state").asText()).isEqualTo("RECEIVING");
            assertThat(node3.get("bytesReceived").asLong()).isEqualTo(1048576);
            assertThat(json.get("clients").get(1).get("message").asText()).isEqualTo("silent for 30s");
        }
    }

    @Test
    void servesPrometheusMetrics() throws Exception {
        try (StatusHttpServer http = new StatusHttpServer(0, () -> status)) {
            String metrics = get(http.port(), "/metrics");
            assertThat(metrics).contains("broadband_sender_packets_total{kind=\"repair\"} 40.0")
                    .contains("broadband_sender_packets_total{kind=\"data\"} 960.0")
                    .contains("broadband_sender_clients{state=\"dropped\"} 1.0")
                    .contains("broadband_sender_rate_bits_per_second 8.12E8");
        }
    }
}
