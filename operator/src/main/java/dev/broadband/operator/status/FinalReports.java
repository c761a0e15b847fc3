package dev.broadband.operator.status;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.broadband.api.NodePhase;
import dev.broadband.api.NodeStatus;
import dev.broadband.protocol.status.ClientState;
import dev.broadband.protocol.status.ClientStatus;
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

  /**
   * The report as a status document. A report that had to leave clients out to fit (see
   * {@link FinalReport#omitted}) is completed from what the status last showed of them: a node
   * that had verified stays verified; of any other the result is not known, which fails it with
   * a message saying where to look, never succeeds it.
   */
  public static Optional<SessionStatus> session(String terminationMessage, List<NodeStatus> lastSeen) {
    return parse(terminationMessage).map(report -> {
      SessionStatus session = report.toSessionStatus();
      if (report.omitted() == 0) {
        return session;
      }
      Set<String> named = session.clients().stream().map(ClientStatus::name).collect(Collectors.toSet());
      List<ClientStatus> clients = new ArrayList<>(session.clients());
      for (NodeStatus node : lastSeen) {
        if (named.contains(node.getName())) {
          continue;
        }
        clients.add(node.getPhase() == NodePhase.SUCCEEDED
            ? new ClientStatus(null, node.getName(), null, ClientState.SUCCEEDED, report.imageBytes(), 0, "")
            : new ClientStatus(null, node.getName(), null, ClientState.FAILED,
                node.getBytes() == null ? 0 : node.getBytes(), 0, "its result is not in the sender's final report,"
                    + " which left " + report.omitted() + " clients out to fit a termination message: see the"
                    + " sender pod's log"));
      }
      return new SessionStatus(session.session(), session.phase(), session.imageBytes(), session.sha256(), 0, 0,
          null, clients, null);
    });
  }
}
