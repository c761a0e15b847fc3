package dev.broadband.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import dev.broadband.api.ImageBroadcast;
import dev.broadband.api.ImageSource;
import dev.broadband.api.SenderPlacement;
import dev.broadband.operator.support.Fixtures;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

class SpecValidatorTest {

  final SpecValidator validator = new SpecValidator(List.of("/dev/sd[b-z]", "/dev/nvme[1-9]n1"),
      List.of("/var/lib/broadband"));

  @Test
  void hostPathSourcesComeOnlyFromTheAllowedDirectories() {
    ImageBroadcast allowed = Fixtures.broadcast("h");
    allowed.getSpec().setSource(ImageSource.ofHostPath("/var/lib/broadband/os.raw"));
    assertThat(validator.validate(allowed)).isEmpty();
    assertThat(problem(ib -> ib.getSpec().setSource(ImageSource.ofHostPath("/etc/shadow"))))
        .isEqualTo("spec.source.hostPath: /etc/shadow is outside the directories hostPath sources may come from"
            + " [/var/lib/broadband] (the chart's sender.hostPathDirectories)");
    assertThat(problem(ib -> ib.getSpec().setSource(ImageSource.ofHostPath("/var/lib/broadband-other/x"))))
        .as("a sibling with the same prefix is outside").startsWith("spec.source.hostPath: /var/lib/broadband-other/x is outside");
    assertThat(new SpecValidator(List.of(), List.of()).validate(allowed)).hasValueSatisfying(
        p -> assertThat(p).startsWith("spec.source.hostPath: hostPath sources are off"));
  }

  @Test
  void acceptsAValidSpec() {
    assertThat(validator.validate(Fixtures.broadcast("ok"))).isEmpty();
  }

  @Test
  void theExampleIsValid() throws Exception {
    try (InputStream in = Files.newInputStream(Fixtures.REPO.resolve("examples/broadcast.yaml"))) {
      ImageBroadcast example = Serialization.unmarshal(in, ImageBroadcast.class);
      assertThat(validator.validate(example)).isEmpty();
    }
  }

  @Test
  void namesTheFieldAndWhy() {
    assertThat(problem(ib -> ib.getSpec().setSource(null))).startsWith("spec.source: is required");
    assertThat(problem(ib -> ib.getSpec().getSource().setHostPath("/x"))).startsWith("spec.source: set exactly one");
    assertThat(problem(ib -> ib.getSpec().getSource().setSha256("md5:00"))).startsWith("spec.source.sha256:");
    assertThat(problem(ib -> ib.getSpec().setSource(ImageSource.ofHostPath("/var/../etc/shadow")))).startsWith("spec.source.hostPath:");
    assertThat(problem(ib -> ib.getSpec().setSource(ImageSource.ofPvc("images", "../x")))).startsWith("spec.source.pvc.path:");
    assertThat(problem(ib -> ib.getSpec().setTargetNodeSelector(Map.of()))).startsWith("spec.targetNodeSelector:");
    assertThat(problem(ib -> ib.getSpec().setTargetDevice("/etc/passwd"))).startsWith("spec.targetDevice:");
    assertThat(problem(ib -> ib.getSpec().setTargetDevice("/dev/sda"))).contains("not among the agents' allowed devices");
    assertThat(problem(ib -> ib.getSpec().setAddress("10.0.0.256"))).startsWith("spec.address:");
    assertThat(problem(ib -> ib.getSpec().setStartTimeout("ten minutes"))).startsWith("spec.startTimeout:");
    assertThat(problem(ib -> ib.getSpec().setDropTimeout("0s"))).startsWith("spec.dropTimeout:");
    assertThat(problem(ib -> ib.getSpec().setMinReceivers(0))).startsWith("spec.minReceivers:");
    assertThat(problem(ib -> ib.getSpec().setTtlSecondsAfterFinished(-1L))).startsWith("spec.ttlSecondsAfterFinished:");
    assertThat(problem(ib -> {
      SenderPlacement both = SenderPlacement.onNode("n");
      both.setNodeSelector(Map.of("a", "b"));
      ib.getSpec().setSender(both);
    })).startsWith("spec.sender:");
  }

  private String problem(Consumer<ImageBroadcast> change) {
    ImageBroadcast ib = Fixtures.broadcast("x");
    change.accept(ib);
    return validator.validate(ib).orElseThrow();
  }
}
