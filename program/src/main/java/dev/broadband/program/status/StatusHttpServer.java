package dev.broadband.program.status;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.broadband.protocol.status.ClientStatus;
import dev.broadband.protocol.status.HttpAnswer;
import dev.broadband.protocol.status.ClientState;
import dev.broadband.protocol.status.SessionStatus;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Serves the sender's session over HTTP: {@code GET /status} as JSON (what the operator reads) and
 * {@code GET /metrics} in the Prometheus text format.
 */
public final class StatusHttpServer implements AutoCloseable {
    private final HttpServer http;
    private final Supplier<SessionStatus> status;
    private final ObjectMapper json = objectMapper();
    private final PrometheusRegistry registry = new PrometheusRegistry();

    public StatusHttpServer(int port, Supplier<SessionStatus> status) throws IOException {
        this.status = status;
        registerMetrics();
        http = HttpServer.create(new InetSocketAddress(port), 16);
        http.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "status-http");
            t.setDaemon(true);
            return t;
        }));
        http.createContext("/status", exchange -> reply(exchange, "application/json", json.writeValueAsBytes(status.get())));
        http.createContext("/metrics", exchange -> reply(exchange, PrometheusTextFormatWriter.CONTENT_TYPE, metrics()));
        http.start();
    }

    /** Instants as ISO-8601 text ("2026-11-25T12:00:00Z"), as the operator's reader expects them. */
    public static ObjectMapper objectMapper() {
        return new ObjectMapper().registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    }

    public int port() {
        return http.getAddress().getPort();
    }

    private void registerMetrics() {
        CounterWithCallback.builder().name("broadband_sender_packets_total")
                .help("Packets the sender put on the wire, by kind").labelNames("kind")
                .callback(cb -> {
                    SessionStatus.Counters c = status.get().counters();
                    cb.call(c.dataPackets() - c.repairPackets(), "data");
                    cb.call(c.repairPackets(), "repair");
                    cb.call(c.statusPackets(), "status");
                }).register(registry);
        CounterWithCallback.builder().name("broadband_sender_bytes_total")
                .help("UDP payload bytes the sender put on the wire")
                .callback(cb -> cb.call(status.get().bytesSent())).register(registry);
        CounterWithCallback.builder().name("broadband_sender_nacks_total")
                .help("Repair requests (NACK packets) heard from clients")
                .callback(cb -> cb.call(status.get().counters().nacksReceived())).register(registry);
        CounterWithCallback.builder().name("broadband_sender_dropped_packets_total")
                .help("Packets dropped unread: malformed, foreign session, failed MAC")
                .callback(cb -> cb.call(status.get().counters().packetsDropped())).register(registry);
        GaugeWithCallback.builder().name("broadband_sender_rate_bits_per_second")
                .help("The sender's current rate").callback(cb -> cb.call(status.get().rateBitsPerSecond()))
                .register(registry);
        GaugeWithCallback.builder().name("broadband_sender_image_bytes").help("Size of the image being sent")
                .callback(cb -> cb.call(status.get().imageBytes())).register(registry);
        GaugeWithCallback.builder().name("broadband_sender_clients").help("Clients by state").labelNames("state")
                .callback(cb -> {
                    for (ClientState state : ClientState.values()) {
                        cb.call(status.get().clients().stream().filter(c -> c.state() == state).count(),
                                state.name().toLowerCase());
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("broadband_client_received_bytes")
                .help("Bytes each client holds complete, as it last reported").labelNames("client", "name")
                .callback(cb -> {
                    for (ClientStatus c : status.get().clients()) {
                        cb.call(c.bytesReceived(), c.id(), c.name());
                    }
                }).register(registry);
    }

    private byte[] metrics() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new PrometheusTextFormatWriter(false).write(bytes, registry.scrape());
        return bytes.toByteArray();
    }

    private static void reply(HttpExchange exchange, String contentType, byte[] body) throws IOException {
        if (!"GET".equals(exchange.getRequestMethod())) {
            exchange.sendResponseHeaders(405, -1);
            exchange.close();
            return;
        }
        HttpAnswer.send(exchange, 200, contentType, body);
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
