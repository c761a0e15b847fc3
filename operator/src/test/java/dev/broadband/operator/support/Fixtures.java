package dev.broadband.operator.support;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.broadband.api.ImageBroadcast;
import dev.broadband.api.ImageBroadcastSpec;
import dev.broadband.api.ImageSource;
import dev.broadband.protocol.status.ClientState;
import dev.broadband.protocol.status.ClientStatus;
import dev.broadband.protocol.status.SessionPhase;
import dev.broadband.protocol.status.SessionStatus;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;

/** Resources and sender reports the tests build from. */
public final class Fixtures {

  public static final String NAMESPACE = "imaging";
  public static final Map<String, String> TARGETS = Map.of("broadband.dev/target", "true");
  public static final String SHA = "sha256:" + "ab".repeat(32);
  public static final long IMAGE_BYTES = 1_000_000L;
  public static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  public static final Path CRD = REPO.resolve("crds/imagebroadcasts.broadband.dev-v1.yml");

  private Fixtures() {
  }

  public static ImageBroadcastSpec spec() {
    ImageBroadcastSpec spec = new ImageBroadcastSpec();
    spec.setSource(ImageSource.ofUrl("https://images.example.com/node.raw", SHA));
    spec.setTargetNodeSelector(TARGETS);
    spec.setTargetDevice("/dev/sdb");
    spec.setAddress("10.0.0.255");
    spec.setRate("800mbit");
    return spec;
  }

  public static ImageBroadcast broadcast(String name) {
    return new ImageBroadcast(NAMESPACE, name, spec());
  }

  /** Installs the committed CRD, so the mock server knows the status subresource. */
  public static void installCrd(KubernetesClient client) throws IOException {
    try (InputStream in = Files.newInputStream(CRD)) {
      CustomResourceDefinition crd = Serialization.unmarshal(in, CustomResourceDefinition.class);
      client.resource(crd).create();
    }
  }

  public static void nodes(KubernetesClient client, int count) {
    for (int i = 1; i <= count; i++) {
      Node node = new NodeBuilder().withNewMetadata().withName("node-" + i).withLabels(TARGETS).endMetadata().build();
      client.resource(node).create();
    }
  }

  public static List<String> nodeNames(int count) {
    List<String> names = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      names.add("node-" + i);
    }
    return names;
  }

  public static ClientStatus client(String node, ClientState state, long bytes, String message) {
    return new ClientStatus("id-" + node, node, "10.0.0." + node.hashCode() % 200 + ":41234", state,
        bytes, 0, message);
  }

  /** What a sender serving a zstd-compressed image reports. */
  public static SessionStatus report(SessionPhase phase, long rate, ClientStatus... clients) {
    return new SessionStatus("1f2e3d4c5b6a7980", phase, IMAGE_BYTES, "ab".repeat(32), rate, 0,
        phase == SessionPhase.WAITING ? null : Instant.parse("2026-11-25T12:00:00Z"), List.of(clients), null, "zstd");
  }
}
