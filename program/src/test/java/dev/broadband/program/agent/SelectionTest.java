package dev.broadband.program.agent;

import static org.assertj.core.api.Assertions.assertThat;

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
