package dev.broadband.operator.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;

/** The data plane's /status document, exactly as its contract shows it. */
class SenderStatusJsonTest {

  static final String CONTRACT = """
      {"session":"1f2e3d4c5b6a7980","phase":"WAITING","imageBytes":268435456,"sha256":"ab12",
       "rateBitsPerSecond":812000000,"bytesSent":123456,"startedAt":"2026-11-25T12:00:00Z",
       "clients":[{"id":"a1b2c3d4e5f60718","name":"node-3","address":"10.0.0.13:41234",
         "state":"RECEIVING","bytesReceived":1048576,"repairs":12,"message":"","futureField":1}]}
      """;

  @Test
  void parsesTheContractDocument() throws IOException {
    SenderStatus status = HttpSenderStatusClient.objectMapper().readValue(CONTRACT, SenderStatus.class);
    assertThat(status.phase()).isEqualTo(SenderPhase.WAITING);
    assertThat(status.imageBytes()).isEqualTo(268_435_456L);
    assertThat(status.startedAt()).isEqualTo(Instant.parse("2026-11-25T12:00:00Z"));
    assertThat(status.clients()).singleElement().satisfies(c -> {
      assertThat(c.name()).isEqualTo("node-3");
      assertThat(c.state()).isEqualTo(ClientState.RECEIVING);
      assertThat(c.bytesReceived()).isEqualTo(1_048_576L);
      assertThat(c.repairs()).isEqualTo(12);
    });
  }

  @Test
  void startedAtIsNullWhileWaiting() throws IOException {
    SenderStatus status = HttpSenderStatusClient.objectMapper()
        .readValue("{\"phase\":\"WAITING\",\"startedAt\":null,\"clients\":[]}", SenderStatus.class);
    assertThat(status.startedAt()).isNull();
    assertThat(status.clients()).isEmpty();
  }

  @Test
  void readsTheEndpointOverHttp() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/status", exchange -> {
      byte[] body = CONTRACT.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    try {
      SenderStatus status = new HttpSenderStatusClient().fetch("127.0.0.1", server.getAddress().getPort());
      assertThat(status.session()).isEqualTo("1f2e3d4c5b6a7980");
      assertThatThrownBy(() -> new HttpSenderStatusClient().fetch("127.0.0.1", 1)).isInstanceOf(IOException.class);
    } finally {
      server.stop(0);
    }
  }
}
