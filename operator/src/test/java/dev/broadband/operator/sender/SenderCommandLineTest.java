package dev.broadband.operator.sender;

import static org.assertj.core.api.Assertions.assertThat;

import dev.broadband.api.ImageBroadcastSpec;
import dev.broadband.api.ImageSource;
import dev.broadband.operator.reconciler.PortSlot;
import dev.broadband.program.cli.Main;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/** The sender pod's command line as the broadband program itself parses it: the two cannot drift apart. */
class SenderCommandLineTest {
  private static ParseResult parse(List<String> args) {
    return new CommandLine(new Main()).parseArgs(args.toArray(String[]::new)).subcommand();
  }

  private static ImageBroadcastSpec spec(ImageSource source) {
    ImageBroadcastSpec spec = new ImageBroadcastSpec();
    spec.setSource(source);
    spec.setTargetNodeSelector(Map.of("broadband.dev/reimage", "true"));
    spec.setTargetDevice("/dev/sdb");
    spec.setAddress("10.0.0.255");
    return spec;
  }

  @Test
  void aUrlSourcesDigestIsGivenToTheSenderSoThatAgentsWriteFromTheFirstPacket() {
    String hex = "ab".repeat(32);
    ImageBroadcastSpec spec = spec(ImageSource.ofUrl("https://images.example/a.raw", "sha256:" + hex));
    spec.setRate("800mbit");
    ParseResult server = parse(SenderPodFactory.serverArgs(spec, new PortSlot(1, 7857, 7858, 7859), 10));

    assertThat(server.commandSpec().name()).isEqualTo("server");
    assertThat((String) server.matchedOptionValue("--sha256", null)).isEqualTo(hex);
    assertThat((Integer) server.matchedOptionValue("--data-port", null)).isEqualTo(7857);
    assertThat((Integer) server.matchedOptionValue("--control-port", null)).isEqualTo(7858);
    assertThat((Integer) server.matchedOptionValue("--status-port", null)).isEqualTo(7859);
    assertThat((Integer) server.matchedOptionValue("--min-clients", null)).isEqualTo(10);
    assertThat((Long) server.matchedOptionValue("--rate", null)).isEqualTo(800_000_000L);
    assertThat(server.matchedPositionals()).singleElement()
        .satisfies(p -> assertThat(p.getValue().toString()).isEqualTo("10.0.0.255"));
  }

  @Test
  void aFileSourceHasNoDigestToGive() {
    ParseResult server = parse(SenderPodFactory.serverArgs(spec(ImageSource.ofHostPath("/var/lib/img.raw")),
        new PortSlot(0, 7854, 7855, 7856), 3));
    assertThat(server.hasMatchedOption("--sha256")).isFalse();
    assertThat(server.hasMatchedOption("--key-file")).isTrue();
  }
}
