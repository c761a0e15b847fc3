package dev.broadband.operator;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;

import dev.broadband.operator.monitoring.HealthServer;
import dev.broadband.operator.monitoring.OperatorMetrics;
import dev.broadband.operator.reconciler.OperatorConfig;
import dev.broadband.operator.status.HttpSenderStatusClient;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The operator image's entry point. Configuration comes from the environment (see the chart). */
public final class OperatorMain {

  private static final Logger LOG = LoggerFactory.getLogger(OperatorMain.class);

  private OperatorMain() {
  }

  public static void main(String[] args) throws IOException {
    if (args.length > 0 && ("--version".equals(args[0]) || "--help".equals(args[0]))) {
      // Names the framework versions through their classes, so this proves the classpath too.
      System.out.println("broadband-operator " + version() + " (" + Operator.class.getName()
          + " and " + KubernetesClientBuilder.class.getName() + " on the classpath); "
          + "configured by BROADBAND_* environment variables, see charts/broadband");
      return;
    }
    OperatorConfig config = OperatorConfig.fromEnv(System.getenv());
    PrometheusRegistry registry = PrometheusRegistry.defaultRegistry;
    OperatorMetrics metrics = new OperatorMetrics(registry);
    KubernetesClient client = new KubernetesClientBuilder().build();
    Operator operator = BroadbandOperator.create(client, config, new HttpSenderStatusClient(),
        metrics, Clock.systemUTC());
    operator.installShutdownHook(Duration.ofSeconds(10));
    HealthServer health = HealthServer.start(config.httpPort(),
        () -> operator.getRuntimeInfo().allEventSourcesAreHealthy(),
        () -> operator.getRuntimeInfo().isStarted() && operator.getRuntimeInfo().allEventSourcesAreHealthy(),
        registry);
    Runtime.getRuntime().addShutdownHook(new Thread(health::close, "health-server-stop"));
    operator.start();
    LOG.info("broadband operator {} started; agent image {}, {} port slots from {}, watching {}{}",
        version(), config.programImage(), config.portSlots(), config.baseDataPort(),
        config.namespaces().isEmpty() ? "all namespaces" : config.namespaces(),
        config.leaderElection() == null ? "" : "; reconciling while it holds Lease "
            + config.leaderElection().namespace() + "/" + config.leaderElection().leaseName());
  }

  private static String version() {
    String version = OperatorMain.class.getPackage().getImplementationVersion();
    return version == null ? "dev" : version;
  }
}
