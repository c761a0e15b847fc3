package dev.broadband.program.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class HealthEndpointTest {
    private static int status(int port, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void readyOnlyWhileWatchingAliveThroughout() throws Exception {
        AtomicBoolean watching = new AtomicBoolean(false);
        try (HealthEndpoint health = new HealthEndpoint(0, watching::get)) {
            assertThat(status(health.port(), "/readyz")).isEqualTo(503);
            assertThat(status(health.port(), "/healthz")).as("not watching yet is no reason to be restarted").isEqualTo(200);
            watching.set(true);
            assertThat(status(health.port(), "/readyz")).isEqualTo(200);
        }
    }
}
