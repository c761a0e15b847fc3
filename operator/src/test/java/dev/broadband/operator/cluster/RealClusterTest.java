package dev.broadband.operator.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import dev.broadband.api.BroadcastPhase;
import dev.broadband.api.ImageBroadcast;
import dev.broadband.operator.BroadbandOperator;
import dev.broadband.operator.monitoring.OperatorMetrics;
import dev.broadband.operator.reconciler.OperatorConfig;
import dev.broadband.operator.status.HttpSenderStatusClient;
import dev.broadband.operator.support.Fixtures;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.Operator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * Runs the operator in-process against the cluster KUBECONFIG names: the API server enforces the
 * real CRD schema (CEL immutability, patterns), and the garbage collector really deletes. Skipped
 * without KUBECONFIG. Needs cluster-admin-like rights (it installs the CRD and a namespace) and at
 * least one node; it images nothing (the node selector matches no node).
 */
@EnabledIfEnvironmentVariable(named = "KUBECONFIG", matches = ".+")
class RealClusterTest {

  static final String NAMESPACE = "broadband-test-" + UUID.randomUUID().toString().substring(0, 8);
  static KubernetesClient client;
  static Operator operator;

  @BeforeAll
  static void start() throws Exception {
    client = new KubernetesClientBuilder().build();
    try (InputStream in = Files.newInputStream(Fixtures.CRD)) {
      client.resource(Serialization.unmarshal(in, CustomResourceDefinition.class)).serverSideApply();
    }
    client.apiextensions().v1().customResourceDefinitions().withName(ImageBroadcast.CRD_NAME)
        .waitUntilCondition(crd -> crd.getStatus() != null && crd.getStatus().getConditions().stream()
            .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus())),
            30, java.util.concurrent.TimeUnit.SECONDS);
    client.resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build()).create();
    OperatorConfig config = OperatorConfig.fromEnv(Map.of("BROADBAND_NAMESPACES", NAMESPACE));
    operator = BroadbandOperator.create(client, config, new HttpSenderStatusClient(),
        OperatorMetrics.unregistered(), Clock.systemUTC());
    operator.start();
  }

  @AfterAll
  static void stop() {
    if (operator != null) {
      operator.stop();
    }
    if (client != null) {
      client.namespaces().withName(NAMESPACE).delete();
      client.close();
    }
  }

  @Test
  void noMatchingNodeWaitsAndTheApiServerRejectsSpecChanges() {
    ImageBroadcast ib = Fixtures.broadcast("nobody");
    ib.getMetadata().setNamespace(NAMESPACE);
    ib.getSpec().setTargetNodeSelector(Map.of("broadband.dev/test-none", "true"));
    client.resource(ib).create();
    await().atMost(Duration.ofSeconds(60)).until(() -> phase("nobody") == BroadcastPhase.PENDING);

    ImageBroadcast changed = get("nobody");
    changed.getSpec().setRate("1gbit");
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> client.resource(changed).update()))
        .hasMessageContaining("spec is immutable");
  }

  @Test
  void senderPodAndSecretAreGarbageCollectedWithTheBroadcast() {
    String node = client.nodes().list().getItems().get(0).getMetadata().getName();
    ImageBroadcast ib = Fixtures.broadcast("collected");
    ib.getMetadata().setNamespace(NAMESPACE);
    ib.getSpec().setTargetNodeSelector(Map.of("kubernetes.io/hostname", node));
    client.resource(ib).create();
    await().atMost(Duration.ofSeconds(60)).until(() -> pod("collected-sender-0") != null);
    client.resource(get("collected")).delete();
    await().atMost(Duration.ofSeconds(120)).until(() -> pod("collected-sender-0") == null
        && client.secrets().inNamespace(NAMESPACE).withName("collected-key").get() == null);
  }

  private static Pod pod(String name) {
    return client.pods().inNamespace(NAMESPACE).withName(name).get();
  }

  private static ImageBroadcast get(String name) {
    return client.resources(ImageBroadcast.class).inNamespace(NAMESPACE).withName(name).get();
  }

  private static BroadcastPhase phase(String name) {
    ImageBroadcast ib = get(name);
    return ib == null || ib.getStatus() == null ? null : ib.getStatus().getPhase();
  }
}
