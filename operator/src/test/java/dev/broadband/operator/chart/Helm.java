package dev.broadband.operator.chart;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * The real helm binary, found the way CI finds it: $HELM, else $BROADBAND_TOOLS/bin/helm, else
 * /opt/broadband-tools/bin/helm, where charts/install-helm.sh puts it. A missing helm fails the
 * tests (never skips them), saying how to install it.
 */
final class Helm {

  static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  static final Path CHART = REPO.resolve("charts/broadband");

  record Result(int exitCode, String stdout, String stderr) {
  }

  private Helm() {
  }

  static Path binary() {
    List<Path> candidates = new ArrayList<>();
    String env = System.getenv("HELM");
    if (env != null && !env.isBlank()) {
      candidates.add(Path.of(env));
    }
    String tools = System.getenv("BROADBAND_TOOLS");
    if (tools != null && !tools.isBlank()) {
      candidates.add(Path.of(tools, "bin", "helm"));
    }
    candidates.add(Path.of("/opt/broadband-tools/bin/helm"));
    return candidates.stream().filter(Files::isExecutable).findFirst().orElseThrow(() ->
        new AssertionError("helm not found (looked at " + candidates + "). Install it with: "
            + "charts/install-helm.sh   (or point $HELM at a helm 3.x/4.x binary)"));
  }

  static Result run(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(binary().toString());
    command.addAll(List.of(args));
    Path out = Files.createTempFile("helm", ".out");
    Path err = Files.createTempFile("helm", ".err");
    try {
      Process process = new ProcessBuilder(command).directory(REPO.toFile())
          .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!process.waitFor(2, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new AssertionError("helm " + String.join(" ", args) + " timed out");
      }
      return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /** `helm template` of the chart, parsed into typed objects. */
  static List<HasMetadata> template(String... setArgs) throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("template", "bb", CHART.toString(), "--namespace", "broadband"));
    for (String set : setArgs) {
      args.add("--set");
      args.add(set);
    }
    Result result = run(args.toArray(String[]::new));
    if (result.exitCode() != 0) {
      throw new AssertionError("helm template failed: " + result.stderr());
    }
    List<HasMetadata> objects = new ArrayList<>();
    for (String doc : result.stdout().split("(?m)^---\\s*$")) {
      if (doc.lines().anyMatch(line -> line.startsWith("kind:"))) {
        objects.add(Serialization.unmarshal(doc, HasMetadata.class));
      }
    }
    return objects;
  }
}
