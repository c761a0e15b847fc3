package dev.broadband.program.agent;

import com.sun.net.httpserver.HttpServer;
import dev.broadband.protocol.status.HttpAnswer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * The agent's probes for the kubelet: {@code /healthz} answers while the process serves (a restart would cut a write
 * short, so only a dead agent fails it), {@code /readyz} only while its watches of the cluster run and have caught up.
 */
public final class HealthEndpoint implements AutoCloseable {
    private final HttpServer http;

    public HealthEndpoint(int port, BooleanSupplier watching) throws IOException {
        http = HttpServer.create(new InetSocketAddress(port), 4);
        http.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "agent-health");
            t.setDaemon(true);
            return t;
        }));
        http.createContext("/healthz", exchange -> HttpAnswer.probe(exchange, true, "ok"));
        http.createContext("/readyz", exchange -> {
            boolean ready = watching.getAsBoolean();
            HttpAnswer.probe(exchange, ready, ready ? "watching" : "not watching the cluster (yet)");
        });
        http.start();
    }

    public int port() {
        return http.getAddress().getPort();
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
