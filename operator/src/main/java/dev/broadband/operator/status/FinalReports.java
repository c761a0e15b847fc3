package dev.broadband.operator.status;

import java.io.IOException;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.broadband.protocol.status.FinalReport;
import dev.broadband.protocol.status.SessionStatus;

/** Reads the report an exited sender left as its termination message (see {@link FinalReport}). */
public final class FinalReports {

  private static final ObjectMapper JSON = HttpSenderStatusClient.objectMapper();

  private FinalReports() {
  }

  /** Empty when there is no report or it does not parse: then the sender's exit code is all there is. */
  public static Optional<FinalReport> parse(String terminationMessage) {
    if (terminationMessage == null || terminationMessage.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readValue(terminationMessage, FinalReport.class));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  public static Optional<SessionStatus> session(String terminationMessage) {
    return parse(terminationMessage).map(FinalReport::toSessionStatus);
  }
}
