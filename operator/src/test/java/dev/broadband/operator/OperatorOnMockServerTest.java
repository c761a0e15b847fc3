package dev.broadband.operator;

import static dev.broadband.operator.support.Fixtures.IMAGE_BYTES;
import static dev.broadband.operator.support.Fixtures.NAMESPACE;
import static dev.broadband.operator.support.Fixtures.client;
import static dev.broadband.operator.support.Fixtures.report;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;

import dev.broadband.api.BroadcastPhase;
import dev.broadband.api.ImageBroadcast;
import dev.broadband.operator.monitoring.HealthServer;
import dev.broadband.operator.monitoring.OperatorMetrics;
import dev.broadband.operator.reconciler.OperatorConfig;
import dev.broadband.protocol.status.ClientState;
import dev.broadband.protocol.status.SessionPhase;
import dev.broadband.operator.support.FakeSenderStatusClient;
import dev.broadband.operator.support.Fixtures;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.Operator;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The production wiring (JOSDK, informers, status patches without SSA, requeues) running
 * against fabric8's mock API server in CRUD mode, with a fake sender status endpoint.
 */
@EnableKubernetesMockClient(crud = true)
class OperatorOnMockServerTest {

  static final String HOST = "10.0.0.1";

  KubernetesClient client;
  Operator operator;
  HealthServer health;

  @AfterEach
  void stop() {
    if (health != null) {
      health.close();
    }
    if (operator != null) {
      operator.stop();
    }
  }

  @Test
  void runsABroadcastToSuccessAndServesProbesAndMetrics() throws Exception {
    Fixtures.installCrd(client);
    Fixtures.nodes(client, 2);
    FakeSenderStatusClient sender = new FakeSenderStatusClient();
    PrometheusRegistry registry = new PrometheusRegistry();
    OperatorConfig config = OperatorConfig.defaults().withPollInterval(Duration.ofMillis(200));
    operator = BroadbandOperator.create(client, config, sender, new OperatorMetrics(registry), Clock.systemUTC());
    operator.start();
    health = HealthServer.start(0, () -> operator.getRuntimeInfo().allEventSourcesAreHealthy(),
        () -> operator.getRuntimeInfo().isStarted(), registry);

    client.resource(Fixtures.broadcast("e2e")).create();
    await().atMost(Duration.ofSeconds(20)).until(() -> pod("e2e-sender-0") != null);
    await().atMost(Duration.ofSeconds(20)).until(() -> phase("e2e") == BroadcastPhase.PENDING);

    sender.report(HOST, 7856, report(SessionPhase.STREAMING, 100_000_000,
        client("node-1", ClientState.RECEIVING, IMAGE_BYTES / 2, ""),
        client("node-2", ClientState.RECEIVING, 0, "")));
    markRunning("e2e-sender-0");
    await().atMost(Duration.ofSeconds(20)).until(() -> phase("e2e") == BroadcastPhase.BROADCASTING);
    assertThat(get("e2e").getStatus().getProgress()).isEqualTo("25.0%");

    sender.report(HOST, 7856, report(SessionPhase.FINISHED, 0,
        client("node-1", ClientState.SUCCEEDED, IMAGE_BYTES, ""),
        client("node-2", ClientState.SUCCEEDED, IMAGE_BYTES, "")));
    await().atMost(Duration.ofSeconds(20)).until(() -> phase("e2e") == BroadcastPhase.SUCCEEDED);
    assertThat(get("e2e").getStatus().getNodes()).isEqualTo("2/2");

    HttpClient http = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + health.port();
    assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/readyz")).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body())
        .contains("broadband_operator_reconciliations_total")
        .contains("broadband_operator_phase_changes_total{phase=\"Succeeded\"} 1");
  }

  private void markRunning(String name) {
    Pod pod = pod(name);
    pod.setStatus(new PodStatusBuilder().withPhase("Running").withHostIP(HOST)
        .withContainerStatuses(new ContainerStatusBuilder().withName("server")
            .withState(new ContainerStateBuilder().withNewRunning().endRunning().build()).build())
        .build());
    client.resource(pod).updateStatus();
  }

  private Pod pod(String name) {
    return client.pods().inNamespace(NAMESPACE).withName(name).get();
  }

  private ImageBroadcast get(String name) {
    return client.resources(ImageBroadcast.class).inNamespace(NAMESPACE).withName(name).get();
  }

  private BroadcastPhase phase(String name) {
    ImageBroadcast ib = get(name);
    return ib == null || ib.getStatus() == null ? null : ib.getStatus().getPhase();
  }
}
