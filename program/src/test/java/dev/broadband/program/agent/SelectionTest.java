package dev.broadband.program.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.broadband.api.BroadcastPhase;
import dev.broadband.api.ImageBroadcast;
import dev.broadband.api.ImageBroadcastSpec;
import dev.broadband.api.ImageBroadcastStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SelectionTest {
    private static final Map<String, String> REIMAGE = Map.of("broadband.dev/reimage", "true");

    private static ImageBroadcast broadcast(List<String> targetNodes) {
        ImageBroadcastSpec spec = new ImageBroadcastSpec();
        spec.setTargetNodeSelector(REIMAGE);
        ImageBroadcast broadcast = new ImageBroadcast("ns", "os", spec);
        if (targetNodes != null) {
            ImageBroadcastStatus status = new ImageBroadcastStatus();
            status.setTargetNodes(targetNodes);
            broadcast.setStatus(status);
        }
        return broadcast;
    }

    @Test
    void theSessionKeyIsReadFromTheOperatorsCopyWhereItMadeOne() {
        ImageBroadcast running = broadcast(List.of("n1"));
        running.getSpec().setTargetDevice("/dev/sdb");
        ImageBroadcastStatus status = running.getStatus();
        status.setPhase(BroadcastPhase.WAITING);
        status.setSenderAddress("10.0.0.1");
        status.setControlPort(7855);
        status.setSession("0011223344556677");
        status.setKeySecret("os-key");
        assertThat(Selection.of(running, "n1", Map.of())).hasValueSatisfying(a -> {
            assertThat(a.keyNamespace()).as("beside the broadcast, without a copy").isEqualTo("ns");
            assertThat(a.keySecret()).isEqualTo("os-key");
        });
        status.setAgentKeySecret("broadband/broadband-key-u1");
        assertThat(Selection.of(running, "n1", Map.of())).hasValueSatisfying(a -> {
            assertThat(a.keyNamespace()).isEqualTo("broadband");
            assertThat(a.keySecret()).isEqualTo("broadband-key-u1");
        });
    }

    @Test
    void beforeTheTargetsAreTakenTheLabelsDecide() {
        assertThat(Selection.selects(broadcast(null), "n1", REIMAGE)).isTrue();
        assertThat(Selection.selects(broadcast(null), "n1", Map.of())).isFalse();
    }

    @Test
    void onceTakenTheTargetsDecideWhateverTheLabelsSayNow() {
        ImageBroadcast taken = broadcast(List.of("n1"));
        assertThat(Selection.selects(taken, "n1", Map.of())).as("relabelled after the start: still imaged").isTrue();
        assertThat(Selection.selects(taken, "n2", REIMAGE)).as("labelled after the start: not imaged").isFalse();
    }
}
