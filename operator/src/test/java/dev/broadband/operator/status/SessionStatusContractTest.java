package dev.broadband.operator.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.broadband.program.status.StatusHttpServer;
import dev.broadband.protocol.status.ClientState;
import dev.broadband.protocol.status.ClientStatus;
import dev.broadband.protocol.status.SessionPhase;
import dev.broadband.protocol.status.SessionStatus;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The sender's /status document between the two programs that share its definition: what the sender's real status
 * endpoint serves is, field for field, what the operator reads.
 */
class SessionStatusContractTest {

  private static SessionStatus roundTrip(SessionStatus served) throws IOException {
    try (StatusHttpServer sender = new StatusHttpServer(0, () -> served)) {
      return new HttpSenderStatusClient().fetch("127.0.0.1", sender.port());
    }
  }

  @Test
  void whatTheSenderServesIsWhatTheOperatorReads() throws IOException {
    SessionStatus served = new SessionStatus("1f2e3d4c5b6a7980", SessionPhase.STREAMING, 268_435_456L,
        "ab".repeat(32), 812_000_000L, 123_456L, Instant.parse("2026-11-25T12:00:00Z"),
        List.of(new ClientStatus("a1b2c3d4e5f60718", "node-3", "10.0.0.13:41234", ClientState.RECEIVING,
                1_048_576L, 12, ""),
            new ClientStatus("0000000000000001", "node-7", "10.0.0.17:41234", ClientState.FAILED, 0, 0,
                "device /dev/sdb is mounted at /var (/dev/sdb1): unmount it first")),
        new SessionStatus.Counters(1000, 40, 7, 9, 2));

    assertThat(roundTrip(served)).isEqualTo(served);
  }

  @Test
  void whileWaitingThereIsNoStartAndNoClient() throws IOException {
    SessionStatus served = new SessionStatus("1f2e3d4c5b6a7980", SessionPhase.WAITING, 1024, null, 0, 0, null,
        List.of(), new SessionStatus.Counters(0, 0, 0, 0, 0));

    SessionStatus read = roundTrip(served);
    assertThat(read).isEqualTo(served);
    assertThat(read.startedAt()).isNull();
  }

  @Test
  void fieldsTheOperatorDoesNotKnowAreIgnored() throws IOException {
    SessionStatus read = HttpSenderStatusClient.objectMapper().readValue(
        "{\"phase\":\"FINISHED\",\"clients\":[{\"name\":\"node-3\",\"state\":\"SUCCEEDED\",\"futureField\":1}],"
            + "\"futureField\":{\"a\":1}}", SessionStatus.class);
    assertThat(read.phase()).isEqualTo(SessionPhase.FINISHED);
    assertThat(read.clients()).singleElement().extracting(ClientStatus::state).isEqualTo(ClientState.SUCCEEDED);
  }

  @Test
  void aSenderThatDoesNotAnswerIsAnIoError() {
    assertThatThrownBy(() -> new HttpSenderStatusClient().fetch("127.0.0.1", 1)).isInstanceOf(IOException.class);
  }
}
