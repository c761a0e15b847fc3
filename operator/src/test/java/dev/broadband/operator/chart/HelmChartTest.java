package dev.broadband.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;

import dev.broadband.operator.reconciler.OperatorConfig;
import dev.broadband.program.cli.Main;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/** The chart rendered by the real helm, with default and custom values. */
class HelmChartTest {

  @Test
  void lintsCleanWithStrict() throws Exception {
    Helm.Result result = Helm.run("lint", "--strict", Helm.CHART.toString());
    assertThat(result.exitCode()).as(result.stdout() + result.stderr()).isZero();
    assertThat(result.stdout()).contains("0 chart(s) failed");
  }

  @Test
  void chartCarriesTheGeneratedCrd() throws Exception {
    String file = "imagebroadcasts.broadband.dev-v1.yml";
    assertThat(Files.readString(Helm.CHART.resolve("crds").resolve(file)))
        .isEqualTo(Files.readString(Helm.REPO.resolve("crds").resolve(file)));
  }

  @Test
  void agentDaemonSetRunsOnTheHostNetworkPrivilegedWithDev() throws Exception {
    DaemonSet agent = only(Helm.template(), DaemonSet.class);
    PodSpec pod = agent.getSpec().getTemplate().getSpec();
    assertThat(pod.getHostNetwork()).isTrue();
    Container container = pod.getContainers().get(0);
    assertThat(container.getSecurityContext().getPrivileged()).isTrue();
    assertThat(container.getImage()).isEqualTo("localhost:5000/broadband/broadband:0.1.0-SNAPSHOT");
    // The command line as the program itself parses it, $(NODE_NAME) expanded as the kubelet does.
    String[] args = container.getArgs().stream().map(a -> a.replace("$(NODE_NAME)", "node-7")).toArray(String[]::new);
    ParseResult agentArgs = new CommandLine(new Main()).parseArgs(args).subcommand();
    assertThat(agentArgs.commandSpec().name()).isEqualTo("agent");
    assertThat((String) agentArgs.matchedOptionValue("--name", null)).isEqualTo("node-7");
    assertThat((List<String>) agentArgs.matchedOptionValue("--allowed-devices", null))
        .containsExactly("/dev/sd[b-z]", "/dev/vd[b-z]", "/dev/nvme[1-9]n1");
    assertThat(agentArgs.matchedOptionValue("--host-proc", null).toString()).isEqualTo("/host/proc");
    assertThat(container.getVolumeMounts()).anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/host/proc"));
    assertThat(agentArgs.matchedOptionValue("--reboot-sentinel", null).toString())
        .isEqualTo("/host/var/run/reboot-required");
    assertThat(container.getVolumeMounts()).anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/host/var/run"));
    assertThat(agent.getSpec().getUpdateStrategy().getType()).as("no restart in the middle of a disk").isEqualTo("OnDelete");
    EnvVar nodeName = env(container, "NODE_NAME");
    assertThat(nodeName.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("spec.nodeName");
    assertThat(container.getVolumeMounts()).anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/dev"));
    assertThat(pod.getVolumes()).anySatisfy(v -> assertThat(v.getHostPath().getPath()).isEqualTo("/dev"));
    assertThat(container.getPorts()).as("host ports would keep sender pods off the agents' nodes").isEmpty();
    // The probes ask the port the agent serves them on.
    int healthPort = (Integer) agentArgs.matchedOptionValue("--health-port", null);
    assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(container.getLivenessProbe().getHttpGet().getPort().getIntVal()).isEqualTo(healthPort);
    assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(container.getReadinessProbe().getHttpGet().getPort().getIntVal()).isEqualTo(healthPort);
  }

  @Test
  void operatorDeploymentHasProbesMetricsAndTheSenderSettings() throws Exception {
    Deployment operator = only(Helm.template(), Deployment.class);
    PodSpec pod = operator.getSpec().getTemplate().getSpec();
    Container container = pod.getContainers().get(0);
    assertThat(container.getImage()).isEqualTo("localhost:5000/broadband/broadband-operator:0.1.0-SNAPSHOT");
    assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(env(container, "BROADBAND_IMAGE").getValue())
        .isEqualTo("localhost:5000/broadband/broadband:0.1.0-SNAPSHOT");
    assertThat(env(container, "BROADBAND_DATA_PORT").getValue()).isEqualTo("7854");
    assertThat(env(container, "BROADBAND_STATUS_PORT").getValue()).isEqualTo("7856");
    assertThat(env(container, "BROADBAND_ALLOWED_DEVICES").getValue()).isEqualTo("/dev/sd[b-z],/dev/vd[b-z],/dev/nvme[1-9]n1");
    OperatorConfig config = OperatorConfig.fromEnv(container.getEnv().stream()
        .collect(Collectors.toMap(EnvVar::getName, e -> e.getValue() == null ? "" : e.getValue())));
    assertThat(config.hostPathDirectories()).containsExactly("/var/lib/broadband");
    assertThat(config.allowedDevices()).containsExactly("/dev/sd[b-z]", "/dev/vd[b-z]", "/dev/nvme[1-9]n1");
    assertThat(config.leaderElection().leaseName()).isEqualTo("bb-broadband-operator");
    assertThat(env(container, "BROADBAND_LEADER_LEASE_NAMESPACE").getValueFrom().getFieldRef().getFieldPath())
        .isEqualTo("metadata.namespace");
    assertThat(pod.getServiceAccountName()).isEqualTo("bb-broadband-operator");
  }

  @Test
  void rbacGrantsOnlyTheVerbsEachPartUses() throws Exception {
    List<HasMetadata> objects = Helm.template();
    Map<String, List<PolicyRule>> roles = objects.stream().filter(ClusterRole.class::isInstance)
        .map(ClusterRole.class::cast)
        .collect(Collectors.toMap(r -> r.getMetadata().getName(), ClusterRole::getRules));

    assertThat(verbs(roles.get("bb-broadband-operator"), "imagebroadcasts")).containsExactlyInAnyOrder("get", "list", "watch", "delete");
    assertThat(verbs(roles.get("bb-broadband-operator"), "imagebroadcasts/status")).containsExactlyInAnyOrder("get", "patch", "update");
    assertThat(verbs(roles.get("bb-broadband-operator"), "imagebroadcasts/finalizers")).containsExactly("update");
    assertThat(verbs(roles.get("bb-broadband-operator"), "pods")).containsExactlyInAnyOrder("get", "list", "watch", "create", "delete");
    assertThat(verbs(roles.get("bb-broadband-operator"), "secrets")).containsExactlyInAnyOrder("get", "create");
    assertThat(verbs(roles.get("bb-broadband-operator"), "events")).containsExactly("create");
    assertThat(verbs(roles.get("bb-broadband-operator-nodes"), "nodes")).containsExactlyInAnyOrder("get", "list", "watch", "patch");
    assertThat(verbs(roles.get("bb-broadband-agent"), "imagebroadcasts")).containsExactlyInAnyOrder("get", "list", "watch");
    assertThat(verbs(roles.get("bb-broadband-agent-nodes"), "nodes")).containsExactlyInAnyOrder("get", "list", "watch");
    // In the release's own namespace: the leader Lease, and the agents' copies of session keys.
    Map<String, Role> local = objects.stream().filter(Role.class::isInstance).map(Role.class::cast)
        .collect(Collectors.toMap(r -> r.getMetadata().getNamespace() + "/" + r.getMetadata().getName(), r -> r));
    assertThat(local).containsOnlyKeys("broadband/bb-broadband-operator-local", "broadband/bb-broadband-agent-keys");
    List<PolicyRule> operatorLocal = local.get("broadband/bb-broadband-operator-local").getRules();
    assertThat(verbs(operatorLocal, "leases")).containsExactlyInAnyOrder("get", "create", "update", "patch");
    assertThat(verbs(operatorLocal, "secrets")).containsExactlyInAnyOrder("get", "list", "create", "delete");
    assertThat(verbs(local.get("broadband/bb-broadband-agent-keys").getRules(), "secrets")).containsExactly("get");
    assertThat(verbs(roles.get("bb-broadband-agent"), "secrets")).as("no Secret of a broadcast's namespace").isEmpty();
    // The agent never writes the status: the operator is its only writer.
    assertThat(verbs(roles.get("bb-broadband-agent"), "imagebroadcasts/status")).isEmpty();
    roles.values().stream().flatMap(List::stream).forEach(rule -> {
      assertThat(rule.getVerbs()).doesNotContain("*");
      assertThat(rule.getResources()).doesNotContain("*");
      assertThat(rule.getApiGroups()).doesNotContain("*");
    });
    assertThat(objects).filteredOn(ClusterRoleBinding.class::isInstance).hasSize(4);
  }

  @Test
  void customValuesReachTheObjects() throws Exception {
    List<HasMetadata> objects = Helm.template(
        "image.registry=registry.example.com/team",
        "image.tag=1.2.3",
        "ports.data=9000", "ports.control=9001", "ports.status=9100",
        "agent.allowedDevices={/dev/nvme1n1,/dev/sdz}",
        "agent.nodeSelector.broadband\\.dev/imageable=true",
        "watchNamespaces={lab,staging}",
        "operator.portSlots=2");
    DaemonSet agent = only(objects, DaemonSet.class);
    Container agentContainer = agent.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(agentContainer.getImage()).isEqualTo("registry.example.com/team/broadband:1.2.3");
    assertThat(agentContainer.getArgs()).containsSequence("--allowed-devices", "/dev/nvme1n1,/dev/sdz");
    assertThat(agentContainer.getArgs()).containsSequence("--namespace", "lab", "--namespace", "staging");
    assertThat(agent.getSpec().getTemplate().getSpec().getNodeSelector()).containsEntry("broadband.dev/imageable", "true");

    Container operator = only(objects, Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(operator.getImage()).isEqualTo("registry.example.com/team/broadband-operator:1.2.3");
    assertThat(env(operator, "BROADBAND_DATA_PORT").getValue()).isEqualTo("9000");
    assertThat(env(operator, "BROADBAND_STATUS_PORT").getValue()).isEqualTo("9100");
    assertThat(env(operator, "BROADBAND_PORT_SLOTS").getValue()).isEqualTo("2");
    assertThat(env(operator, "BROADBAND_NAMESPACES").getValue()).isEqualTo("lab,staging");
    assertThat(env(operator, "BROADBAND_ALLOWED_DEVICES").getValue()).isEqualTo("/dev/nvme1n1,/dev/sdz");

    // Namespaced access only where broadcasts live; nodes stay cluster-wide (they have no
    // namespace); the Lease and the agents' keys in the release's own namespace.
    assertThat(objects).filteredOn(RoleBinding.class::isInstance)
        .extracting(o -> o.getMetadata().getNamespace() + "/" + o.getMetadata().getName())
        .containsExactlyInAnyOrder("lab/bb-broadband-operator", "staging/bb-broadband-operator",
            "lab/bb-broadband-agent", "staging/bb-broadband-agent", "broadband/bb-broadband-operator-local",
            "broadband/bb-broadband-agent-keys");
    assertThat(objects).filteredOn(ClusterRoleBinding.class::isInstance)
        .extracting(o -> o.getMetadata().getName())
        .containsExactlyInAnyOrder("bb-broadband-operator-nodes", "bb-broadband-agent-nodes");
  }

  @Test
  void refusesAControlPortThatIsNotDataPlusOne() throws Exception {
    Helm.Result result = Helm.run("template", "bb", Helm.CHART.toString(), "--set", "ports.control=7999");
    assertThat(result.exitCode()).isNotZero();
    assertThat(result.stderr()).contains("ports.control must be ports.data + 1");
  }

  @Test
  void refusesAnAgentHealthPortThatIsOneOfTheBroadcastsPorts() throws Exception {
    // Slot 1's data port: 7854 + 3.
    Helm.Result result = Helm.run("template", "bb", Helm.CHART.toString(), "--set", "agent.healthPort=7857");
    assertThat(result.exitCode()).isNotZero();
    assertThat(result.stderr()).contains("agent.healthPort 7857 is one of the broadcasts' ports");
    // The 8 slots take 7854..7877 (data 7854 + 3i, control 7855 + 3i, status 7856 + 3i).
    assertThat(Helm.run("template", "bb", Helm.CHART.toString(), "--set", "agent.healthPort=7878").exitCode())
        .isZero();
    assertThat(Helm.run("template", "bb", Helm.CHART.toString(), "--set", "agent.healthPort=7877").exitCode())
        .isNotZero();
  }

  @Test
  void agentCanBeLeftOut() throws Exception {
    List<HasMetadata> objects = Helm.template("agent.enabled=false");
    assertThat(objects).noneMatch(DaemonSet.class::isInstance);
    assertThat(objects).filteredOn(Deployment.class::isInstance).hasSize(1);
  }

  private static List<String> verbs(List<PolicyRule> rules, String resource) {
    return rules.stream().filter(r -> r.getResources().contains(resource))
        .flatMap(r -> r.getVerbs().stream()).toList();
  }

  private static EnvVar env(Container container, String name) {
    return container.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst().orElseThrow();
  }

  private static <T> T only(List<HasMetadata> objects, Class<T> type) {
    List<T> matching = objects.stream().filter(type::isInstance).map(type::cast).toList();
    assertThat(matching).hasSize(1);
    return matching.get(0);
  }
}
