package dev.broadband.operator.status;

import dev.broadband.protocol.status.SessionStatus;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/** {@code GET http://<host>:<port>/status}, with short timeouts: a slow sender must not stall reconciles. */
public final class HttpSenderStatusClient implements SenderStatusClient {

  private static final Duration TIMEOUT = Duration.ofSeconds(3);

  private final HttpClient http;
  private final ObjectMapper mapper;

  public HttpSenderStatusClient() {
    this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    this.mapper = objectMapper();
  }

  /** The mapper for the status document; shared with tests so they parse what production parses. */
  public static ObjectMapper objectMapper() {
    return new ObjectMapper()
        .registerModule(new JavaTimeModule())
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
        .configure(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_AS_NULL, true);
  }

  @Override
  public SessionStatus fetch(String host, int statusPort) throws IOException {
    String authority = host.contains(":") ? "[" + host + "]" : host;
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + authority + ":" + statusPort + "/status"))
        .timeout(TIMEOUT)
        .header("Accept", "application/json")
        .GET()
        .build();
    HttpResponse<byte[]> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while reading " + request.uri(), e);
    }
    if (response.statusCode() != 200) {
      throw new IOException(request.uri() + " answered HTTP " + response.statusCode());
    }
    return mapper.readValue(response.body(), SessionStatus.class);
  }
}
