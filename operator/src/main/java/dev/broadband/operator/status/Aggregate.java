package dev.broadband.operator.status;

import java.util.List;

import dev.broadband.api.BroadcastPhase;
import dev.broadband.api.NodeStatus;

/**
 * What the sender's report means for the ImageBroadcast: the status fields that come from it.
 *
 * @param reason CamelCase reason for the conditions and the Event of this phase
 * @param rate null while nothing is being sent
 */
public record Aggregate(
    BroadcastPhase phase,
    String reason,
    String message,
    String progress,
    String nodes,
    String rate,
    List<NodeStatus> nodeStatuses) {

  public Aggregate {
    nodeStatuses = List.copyOf(nodeStatuses);
  }
}
