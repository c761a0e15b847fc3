package dev.broadband.operator.support;

import java.io.IOException;
import java.net.ConnectException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.broadband.protocol.status.SessionStatus;
import dev.broadband.operator.status.SenderStatusClient;

/** A sender status endpoint per host:port, set by the test; unknown ones refuse connections. */
public final class FakeSenderStatusClient implements SenderStatusClient {

  private final Map<String, SessionStatus> reports = new ConcurrentHashMap<>();
  private final AtomicInteger fetches = new AtomicInteger();

  public void report(String host, int port, SessionStatus status) {
    reports.put(host + ":" + port, status);
  }

  public void goDown(String host, int port) {
    reports.remove(host + ":" + port);
  }

  public int fetches() {
    return fetches.get();
  }

  @Override
  public SessionStatus fetch(String host, int statusPort) throws IOException {
    fetches.incrementAndGet();
    SessionStatus status = reports.get(host + ":" + statusPort);
    if (status == null) {
      throw new ConnectException("connection refused: " + host + ":" + statusPort);
    }
    return status;
  }
}
