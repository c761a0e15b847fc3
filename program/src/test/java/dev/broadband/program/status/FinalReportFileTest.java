package dev.broadband.program.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.broadband.protocol.status.ClientState;
import dev.broadband.protocol.status.ClientStatus;
import dev.broadband.protocol.status.FinalReport;
import dev.broadband.protocol.status.SessionPhase;
import dev.broadband.protocol.status.SessionStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FinalReportFileTest {
    private static final ObjectMapper READER = StatusHttpServer.objectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private static SessionStatus finished(int succeeded, int failed, String why) {
        List<ClientStatus> clients = new ArrayList<>();
        for (int i = 0; i < succeeded; i++) {
            clients.add(new ClientStatus("id" + i, "worker-node-" + i, "10.0.0.1:4000", ClientState.SUCCEEDED, 1 << 30, 3,
                    "verified sha256 " + "ab".repeat(32)));
        }
        for (int i = 0; i < failed; i++) {
            clients.add(new ClientStatus("f" + i, "failed-node-" + i, "10.0.1.1:4000", ClientState.FAILED, 12345, 0, why));
        }
        return new SessionStatus("00112233aabbccdd", SessionPhase.FINISHED, 1 << 30, "cd".repeat(32), 900_000_000, 1 << 31,
                null, clients, new SessionStatus.Counters(1, 2, 3, 4, 5));
    }

    private static FinalReport written(SessionStatus status, Path dir) throws Exception {
        Path file = dir.resolve("termination-log");
        FinalReportFile.write(file, status);
        assertThat(Files.size(file)).isLessThanOrEqualTo(FinalReportFile.LIMIT);
        return READER.readValue(file.toFile(), FinalReport.class);
    }

    @Test
    void aSmallSessionIsWrittenWhole(@TempDir Path dir) throws Exception {
        FinalReport report = written(finished(2, 1, "no space left on /dev/vdb after 12345 bytes"), dir);
        assertThat(report.phase()).isEqualTo(SessionPhase.FINISHED);
        assertThat(report.succeeded()).containsExactly("worker-node-0", "worker-node-1");
        assertThat(report.unfinished()).containsExactly(new FinalReport.Unfinished("failed-node-0", ClientState.FAILED,
                12345, "no space left on /dev/vdb after 12345 bytes"));
        assertThat(report.omitted()).isZero();
        assertThat(report.toSessionStatus().clients()).extracting(ClientStatus::name, ClientStatus::state, ClientStatus::bytesReceived)
                .contains(org.assertj.core.groups.Tuple.tuple("worker-node-1", ClientState.SUCCEEDED, (long) (1 << 30)));
        assertThat(report.toSessionStatus().over()).isTrue();
    }

    @Test
    void longMessagesAreCutBeforeAnyoneIsLeftOut(@TempDir Path dir) throws Exception {
        FinalReport report = written(finished(40, 20, "device /dev/vdb is mounted at /var/lib/x: ".repeat(50)), dir);
        assertThat(report.omitted()).isZero();
        assertThat(report.entries()).isEqualTo(60);
        assertThat(report.unfinished()).allSatisfy(u -> assertThat(u.message()).startsWith("device /dev/vdb is mounted"));
    }

    @Test
    void aFleetTooLargeForTheLimitKeepsTheFailuresAndCountsWhoWasLeftOut(@TempDir Path dir) throws Exception {
        FinalReport report = written(finished(500, 3, "silent for 30s"), dir);
        assertThat(report.unfinished()).extracting(FinalReport.Unfinished::name)
                .containsExactly("failed-node-0", "failed-node-1", "failed-node-2");
        assertThat(report.succeeded()).isNotEmpty();
        assertThat(report.entries() + report.omitted()).isEqualTo(503);
        assertThat(report.omitted()).isPositive();
    }
}
