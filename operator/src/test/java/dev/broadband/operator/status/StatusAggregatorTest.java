package dev.broadband.operator.status;

import dev.broadband.protocol.status.ClientState;
import dev.broadband.protocol.status.SessionPhase;
import dev.broadband.protocol.status.ClientStatus;
import static dev.broadband.operator.support.Fixtures.IMAGE_BYTES;
import static dev.broadband.operator.support.Fixtures.client;
import static dev.broadband.operator.support.Fixtures.nodeNames;
import static dev.broadband.operator.support.Fixtures.report;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import dev.broadband.api.BroadcastPhase;
import dev.broadband.api.NodePhase;
import dev.broadband.api.NodeStatus;
import org.junit.jupiter.api.Test;

class StatusAggregatorTest {

  @Test
  void progressCountsVerifiedNodesAsFullAndOthersByBytesReceived() {
    Aggregate a = StatusAggregator.aggregate(report(SessionPhase.STREAMING, 812_000_000,
        client("node-1", ClientState.SUCCEEDED, 10, ""),
        client("node-2", ClientState.RECEIVING, 700_000, ""),
        client("node-3", ClientState.RECEIVING, 0, "")), nodeNames(4));
    // (1_000_000 + 700_000) / (1_000_000 x 4) = 42.5%
    assertThat(a.progress()).isEqualTo("42.5%");
    assertThat(a.nodes()).isEqualTo("1/4");
    assertThat(a.rate()).isEqualTo("812Mbit/s");
    assertThat(a.phase()).isEqualTo(BroadcastPhase.BROADCASTING);
    assertThat(a.nodeStatuses()).extracting(NodeStatus::getProgress).containsExactly("100.0%", "70.0%", "0.0%", "0.0%");
    assertThat(a.nodeStatuses().get(3).getPhase()).isEqualTo(NodePhase.WAITING);
  }

  @Test
  void verifyingOnceEveryClientIsVerifyingOrDone() {
    Aggregate a = StatusAggregator.aggregate(report(SessionPhase.STREAMING, 1,
        client("node-1", ClientState.VERIFYING, IMAGE_BYTES, ""),
        client("node-2", ClientState.SUCCEEDED, IMAGE_BYTES, ""),
        client("node-3", ClientState.DROPPED, 5, "silent for 30s")), nodeNames(3));
    assertThat(a.phase()).isEqualTo(BroadcastPhase.VERIFYING);
    Aggregate still = StatusAggregator.aggregate(report(SessionPhase.STREAMING, 1,
        client("node-1", ClientState.VERIFYING, IMAGE_BYTES, ""),
        client("node-2", ClientState.RECEIVING, 5, "")), nodeNames(2));
    assertThat(still.phase()).isEqualTo(BroadcastPhase.BROADCASTING);
  }

  @Test
  void waitingWhileTheSenderWaits() {
    Aggregate a = StatusAggregator.aggregate(report(SessionPhase.WAITING, 0,
        client("node-1", ClientState.JOINED, 0, "")), nodeNames(2));
    assertThat(a.phase()).isEqualTo(BroadcastPhase.WAITING);
    assertThat(a.rate()).isNull();
    assertThat(a.message()).isEqualTo("1/2 nodes joined; waiting for receivers");
  }

  @Test
  void finishedSucceedsOnlyWhenEverySelectedNodeSucceeded() {
    Aggregate ok = StatusAggregator.aggregate(report(SessionPhase.FINISHED, 0,
        client("node-1", ClientState.SUCCEEDED, IMAGE_BYTES, ""),
        client("node-2", ClientState.SUCCEEDED, IMAGE_BYTES, "")), nodeNames(2));
    assertThat(ok.phase()).isEqualTo(BroadcastPhase.SUCCEEDED);
    assertThat(ok.progress()).isEqualTo("100.0%");

    ClientStatus[] clients = new ClientStatus[10];
    for (int i = 0; i < 10; i++) {
      clients[i] = client("node-" + (i + 1), ClientState.SUCCEEDED, IMAGE_BYTES, "");
    }
    clients[2] = client("node-3", ClientState.FAILED, 10, "device mounted");
    clients[6] = client("node-7", ClientState.DROPPED, 10, "silent for 30s");
    Aggregate failed = StatusAggregator.aggregate(report(SessionPhase.FINISHED, 0, clients), nodeNames(10));
    assertThat(failed.phase()).isEqualTo(BroadcastPhase.FAILED);
    assertThat(failed.message()).isEqualTo("8/10 succeeded; node-3: device mounted; node-7: silent for 30s");
  }

  @Test
  void clientsOutsideTheSelectionDoNotCount() {
    Aggregate a = StatusAggregator.aggregate(report(SessionPhase.FINISHED, 0,
        client("node-1", ClientState.SUCCEEDED, IMAGE_BYTES, ""),
        client("laptop", ClientState.SUCCEEDED, IMAGE_BYTES, "")), nodeNames(1));
    assertThat(a.phase()).isEqualTo(BroadcastPhase.SUCCEEDED);
    assertThat(a.nodeStatuses()).extracting(NodeStatus::getName).containsExactly("node-1");
  }

  @Test
  void aRejoinedNodeCountsByItsLiveEntry() {
    Aggregate a = StatusAggregator.aggregate(report(SessionPhase.STREAMING, 1,
        client("node-1", ClientState.DROPPED, 10, "silent for 30s"),
        client("node-1", ClientState.RECEIVING, 500_000, "")), nodeNames(1));
    assertThat(a.nodeStatuses()).singleElement().satisfies(n -> {
      assertThat(n.getPhase()).isEqualTo(NodePhase.RECEIVING);
      assertThat(n.getBytes()).isEqualTo(500_000L);
    });
  }

  @Test
  void aCleanExitMeansEveryJoinedNodeVerified() {
    List<NodeStatus> lastSeen = List.of(
        new NodeStatus("node-1", NodePhase.RECEIVING, "1.0%", 10L, null),
        new NodeStatus("node-2", NodePhase.WAITING, "0.0%", 0L, null));
    Aggregate a = StatusAggregator.afterCleanExit(lastSeen, nodeNames(2), IMAGE_BYTES);
    assertThat(a.phase()).isEqualTo(BroadcastPhase.FAILED);
    assertThat(a.message()).isEqualTo("1/2 succeeded; node-2: did not join");
  }

  @Test
  void formatsPercentWithoutRoundingUpToComplete() {
    assertThat(Formats.percent(999_999, 1_000_000)).isEqualTo("99.9%");
    assertThat(Formats.percent(1, 3)).isEqualTo("33.3%");
    assertThat(Formats.percent(5, 0)).isEqualTo("0.0%");
    assertThat(Formats.rate(1_250_000_000)).isEqualTo("1.3Gbit/s");
    assertThat(Formats.rate(64_000)).isEqualTo("64kbit/s");
  }
}
