package dev.broadband.operator.status;

import dev.broadband.protocol.status.ClientState;
import dev.broadband.protocol.status.SessionPhase;
import dev.broadband.protocol.status.ClientStatus;
import dev.broadband.protocol.status.SessionStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import dev.broadband.api.BroadcastPhase;
import dev.broadband.api.NodePhase;
import dev.broadband.api.NodeStatus;
import dev.broadband.operator.reconciler.Reasons;

/**
 * Maps the sender's report onto the selected nodes. Pure: no I/O, no clock, so every rule here is
 * unit-tested directly. The denominator is always the selected nodes, never the clients that
 * happened to join: a node that never showed up is a node that was not imaged.
 */
public final class StatusAggregator {

  private StatusAggregator() {
  }

  public static Aggregate aggregate(SessionStatus sender, List<String> selectedNodes) {
    Map<String, ClientStatus> byNode = clientsByNode(sender.clients());
    long imageBytes = Math.max(0, sender.imageBytes());
    boolean over = sender.over();

    List<NodeStatus> nodes = new ArrayList<>(selectedNodes.size());
    long verifiedBytes = 0;
    int succeeded = 0;
    for (String node : selectedNodes) {
      ClientStatus client = byNode.get(node);
      NodeStatus status = nodeStatus(node, client, imageBytes, over);
      nodes.add(status);
      if (status.getPhase() == NodePhase.SUCCEEDED) {
        succeeded++;
        verifiedBytes += imageBytes;
      } else if (client != null) {
        verifiedBytes += Math.min(client.bytesReceived(), imageBytes);
      }
    }
    int selected = selectedNodes.size();
    String progress = Formats.percent(verifiedBytes, imageBytes * selected);
    String nodeCount = succeeded + "/" + selected;
    SessionPhase phase = sender.phase() == null ? SessionPhase.WAITING : sender.phase();
    // Every joined client has its result: the sender is about to end the session as FINISHED.
    return switch (over && phase == SessionPhase.STREAMING ? SessionPhase.FINISHED : phase) {
      case WAITING -> new Aggregate(BroadcastPhase.WAITING, Reasons.WAITING_FOR_RECEIVERS,
          joined(nodes) + "/" + selected + " nodes joined; waiting for receivers",
          progress, nodeCount, null, nodes);
      case STREAMING -> streaming(sender, nodes, progress, nodeCount);
      case FINISHED -> succeeded == selected
          ? new Aggregate(BroadcastPhase.SUCCEEDED, Reasons.ALL_NODES_SUCCEEDED,
              nodeCount + " succeeded", progress, nodeCount, null, nodes)
          : new Aggregate(BroadcastPhase.FAILED, Reasons.NODES_FAILED,
              failureMessage(nodes, nodeCount), progress, nodeCount, null, nodes);
      case ABORTED -> new Aggregate(BroadcastPhase.FAILED, Reasons.SESSION_ABORTED,
          "the sender aborted the session; " + failureMessage(nodes, nodeCount),
          progress, nodeCount, null, nodes);
    };
  }

  /**
   * The sender exited 0 ("every joined client verified") before the operator read its final
   * report: every node it had seen joined succeeded; the others never joined.
   */
  public static Aggregate afterCleanExit(List<NodeStatus> lastSeen, List<String> selectedNodes,
      long imageBytes) {
    List<ClientStatus> clients = lastSeen.stream()
        .filter(n -> n.getPhase() != null && n.getPhase() != NodePhase.WAITING)
        .map(n -> new ClientStatus(null, n.getName(), null, ClientState.SUCCEEDED, imageBytes, 0, ""))
        .toList();
    SessionStatus finished = new SessionStatus(null, SessionPhase.FINISHED, imageBytes, null, 0, 0,
        null, clients, null);
    return aggregate(finished, selectedNodes);
  }

  /** "8/10 succeeded; node-3: device mounted; node-7: silent for 30s". */
  static String failureMessage(List<NodeStatus> nodes, String nodeCount) {
    return outcome(nodes, nodeCount, "succeeded");
  }

  /**
   * A dry run's outcome, which nobody must read as written: "dry run, nothing was written: 9/10
   * passed every check; node-3: device mounted".
   */
  public static String dryRunMessage(List<NodeStatus> nodes, String nodeCount) {
    return "dry run, nothing was written: " + outcome(nodes, nodeCount, "passed every check");
  }

  private static String outcome(List<NodeStatus> nodes, String nodeCount, String verb) {
    StringBuilder message = new StringBuilder(nodeCount).append(' ').append(verb);
    for (NodeStatus node : nodes) {
      if (node.getPhase() != NodePhase.SUCCEEDED) {
        message.append("; ").append(node.getName()).append(": ").append(node.getMessage());
      }
    }
    return message.toString();
  }

  private static Aggregate streaming(SessionStatus sender, List<NodeStatus> nodes, String progress,
      String nodeCount) {
    boolean allVerifying = !sender.clients().isEmpty()
        && sender.clients().stream().allMatch(c -> c.state() != null && c.state().isVerifyingOrDone());
    String rate = Formats.rate(sender.rateBitsPerSecond());
    if (allVerifying) {
      return new Aggregate(BroadcastPhase.VERIFYING, Reasons.VERIFYING,
          "receivers are verifying what they wrote; " + nodeCount + " succeeded",
          progress, nodeCount, rate, nodes);
    }
    return new Aggregate(BroadcastPhase.BROADCASTING, Reasons.BROADCASTING,
        "broadcasting to " + joined(nodes) + " nodes at " + rate + "; " + nodeCount + " succeeded",
        progress, nodeCount, rate, nodes);
  }

  private static NodeStatus nodeStatus(String node, ClientStatus client, long imageBytes,
      boolean sessionOver) {
    if (client == null || client.state() == null) {
      return new NodeStatus(node, NodePhase.WAITING, Formats.percent(0, imageBytes), 0L,
          sessionOver ? "did not join" : null);
    }
    long bytes = client.state() == ClientState.SUCCEEDED ? imageBytes
        : Math.min(client.bytesReceived(), imageBytes);
    NodePhase phase = switch (client.state()) {
      case JOINED -> NodePhase.JOINED;
      case RECEIVING -> NodePhase.RECEIVING;
      case VERIFYING -> NodePhase.VERIFYING;
      case SUCCEEDED -> NodePhase.SUCCEEDED;
      case FAILED -> NodePhase.FAILED;
      case DROPPED -> NodePhase.DROPPED;
    };
    String message = blankToNull(client.message());
    if (message == null && phase != NodePhase.SUCCEEDED && (sessionOver || phase.isFinished())) {
      message = switch (phase) {
        case FAILED -> "failed";
        case DROPPED -> "dropped";
        default -> "did not finish";
      };
    }
    return new NodeStatus(node, phase, Formats.percent(bytes, imageBytes), bytes, message);
  }

  /**
   * A node whose agent restarted appears twice (the old entry dropped, the new one live): keep the
   * entry that got furthest.
   */
  private static Map<String, ClientStatus> clientsByNode(List<ClientStatus> clients) {
    return clients.stream()
        .filter(c -> c.name() != null)
        .collect(Collectors.toMap(ClientStatus::name, Function.identity(),
            (a, b) -> rank(b) >= rank(a) ? b : a));
  }

  private static int rank(ClientStatus client) {
    return Optional.ofNullable(client.state()).map(state -> switch (state) {
      case DROPPED -> 1;
      case FAILED -> 2;
      case JOINED -> 3;
      case RECEIVING -> 4;
      case VERIFYING -> 5;
      case SUCCEEDED -> 6;
    }).orElse(0);
  }

  private static long joined(List<NodeStatus> nodes) {
    return nodes.stream().filter(n -> n.getPhase() != NodePhase.WAITING).count();
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
