package dev.broadband.operator.status;

import dev.broadband.protocol.status.SessionStatus;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads a sender's status at most once per interval, however often its broadcast is reconciled
 * (pod events can come in bursts), and remembers the last good report: the sender's final report
 * is what decides the outcome when its pod has already exited.
 */
public final class StatusPoller {

  /** One read: the report, or why there is none (then {@code status} is the last good one, if any). */
  public record Reading(Instant at, SessionStatus status, String error) {

    public Optional<SessionStatus> lastGood() {
      return Optional.ofNullable(status);
    }
  }

  private final SenderStatusClient client;
  private final Clock clock;
  private final Duration minInterval;
  private final Map<String, Reading> readings = new ConcurrentHashMap<>();

  public StatusPoller(SenderStatusClient client, Clock clock, Duration minInterval) {
    this.client = client;
    this.clock = clock;
    this.minInterval = minInterval;
  }

  /**
   * @param key identifies one sender pod (namespace/name): a recreated sender starts afresh
   */
  public Reading read(String key, String host, int port) {
    Instant now = clock.instant();
    Reading previous = readings.get(key);
    if (previous != null && Duration.between(previous.at(), now).compareTo(minInterval) < 0) {
      return previous;
    }
    Reading reading;
    try {
      reading = new Reading(now, client.fetch(host, port), null);
    } catch (IOException | RuntimeException e) {
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      reading = new Reading(now, previous == null ? null : previous.status(), why);
    }
    readings.put(key, reading);
    return reading;
  }

  public Optional<SessionStatus> lastKnown(String key) {
    return Optional.ofNullable(readings.get(key)).flatMap(Reading::lastGood);
  }

  public void forget(String key) {
    readings.remove(key);
  }
}
