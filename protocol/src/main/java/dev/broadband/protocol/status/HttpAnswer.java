package dev.broadband.protocol.status;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * One answer of the small HTTP endpoints every part serves with the JDK's server: the sender's /status and
 * /metrics, the operator's and the agent's probes.
 */
public final class HttpAnswer {
    private HttpAnswer() {}

    public static void send(HttpExchange exchange, int code, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(code, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** A probe's answer: 200 or 503, and a line saying why. */
    public static void probe(HttpExchange exchange, boolean ok, String line) throws IOException {
        send(exchange, ok ? 200 : 503, "text/plain; charset=utf-8", (line + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
