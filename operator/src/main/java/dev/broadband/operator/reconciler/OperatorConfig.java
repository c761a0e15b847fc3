package dev.broadband.operator.reconciler;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Everything the operator is told at start, from environment variables the Helm chart sets.
 *
 * @param programImage image of the sender pod (the broadband program, run as {@code broadband server})
 * @param fetchImage image with sh, curl and sha256sum that downloads an HTTP source
 * @param baseDataPort data port of the first port slot; control is always data + 1
 * @param baseStatusPort status port of the first port slot
 * @param portSlots how many broadcasts may run at once, each on its own ports
 * @param maxSenderRestarts how often a dead sender pod is recreated before the broadcast fails
 * @param pollInterval least time between two reads of one sender's status endpoint
 * @param allowedDevices globs of target devices the agents may write (empty: any /dev path)
 * @param hostPathDirectories directories of the sender's node whose files may be hostPath sources
 *     (empty: none may; otherwise anyone allowed to create a broadcast could send any file of any node)
 * @param namespaces namespaces watched (empty: all)
 * @param keyNamespace the operator's namespace, where it copies each session key for the node
 *     agents, so they read no Secret elsewhere (empty: agents read the sender's, as in tests)
 * @param leaderElection the Lease replicas compete for, so that only one reconciles (null: no
 *     election, for a single operator outside a cluster, as in tests)
 */
public record OperatorConfig(
    String programImage,
    String fetchImage,
    String imagePullPolicy,
    int baseDataPort,
    int baseStatusPort,
    int portSlots,
    int maxSenderRestarts,
    Duration pollInterval,
    SenderResources senderResources,
    String senderServiceAccount,
    List<String> allowedDevices,
    List<String> hostPathDirectories,
    List<String> namespaces,
    int httpPort,
    String keyNamespace,
    LeaderElection leaderElection) {

  public static final int DEFAULT_DATA_PORT = 7854;
  public static final int DEFAULT_STATUS_PORT = 7856;

  /** Requests and limits of the sender container, as Kubernetes quantities ("" to leave unset). */
  public record SenderResources(String cpuRequest, String memoryRequest, String cpuLimit,
      String memoryLimit) {
  }

  /** A Lease by name and namespace. */
  public record LeaderElection(String leaseName, String namespace) {
  }

  public OperatorConfig {
    allowedDevices = List.copyOf(allowedDevices);
    hostPathDirectories = List.copyOf(hostPathDirectories);
    namespaces = List.copyOf(namespaces);
    if (portSlots < 1) {
      throw new IllegalArgumentException("portSlots must be at least 1, not " + portSlots);
    }
  }

  public static OperatorConfig defaults() {
    return fromEnv(Map.of());
  }

  public static OperatorConfig fromEnv(Map<String, String> env) {
    Function<String, String> get = key -> env.getOrDefault(key, "").trim();
    return new OperatorConfig(
        or(get.apply("BROADBAND_IMAGE"), "broadband:latest"),
        or(get.apply("BROADBAND_FETCH_IMAGE"), "curlimages/curl:8.11.1"),
        or(get.apply("BROADBAND_IMAGE_PULL_POLICY"), "IfNotPresent"),
        Integer.parseInt(or(get.apply("BROADBAND_DATA_PORT"), String.valueOf(DEFAULT_DATA_PORT))),
        Integer.parseInt(or(get.apply("BROADBAND_STATUS_PORT"), String.valueOf(DEFAULT_STATUS_PORT))),
        Integer.parseInt(or(get.apply("BROADBAND_PORT_SLOTS"), "8")),
        Integer.parseInt(or(get.apply("BROADBAND_MAX_SENDER_RESTARTS"), "3")),
        Duration.ofMillis(Long.parseLong(or(get.apply("BROADBAND_POLL_INTERVAL_MS"), "2000"))),
        new SenderResources(
            or(get.apply("BROADBAND_SENDER_CPU_REQUEST"), "500m"),
            or(get.apply("BROADBAND_SENDER_MEMORY_REQUEST"), "256Mi"),
            get.apply("BROADBAND_SENDER_CPU_LIMIT"),
            or(get.apply("BROADBAND_SENDER_MEMORY_LIMIT"), "1Gi")),
        get.apply("BROADBAND_SENDER_SERVICE_ACCOUNT"),
        csv(get.apply("BROADBAND_ALLOWED_DEVICES")),
        csv(get.apply("BROADBAND_HOST_PATH_DIRECTORIES")),
        csv(get.apply("BROADBAND_NAMESPACES")),
        Integer.parseInt(or(get.apply("BROADBAND_HTTP_PORT"), "8080")),
        get.apply("BROADBAND_KEY_NAMESPACE"),
        get.apply("BROADBAND_LEADER_LEASE").isEmpty() ? null
            : new LeaderElection(get.apply("BROADBAND_LEADER_LEASE"),
                // Unset: the namespace of the client's own configuration (in a pod, its own).
                get.apply("BROADBAND_LEADER_LEASE_NAMESPACE").isEmpty() ? null
                    : get.apply("BROADBAND_LEADER_LEASE_NAMESPACE")));
  }

  public OperatorConfig withPollInterval(Duration interval) {
    return new OperatorConfig(programImage, fetchImage, imagePullPolicy, baseDataPort, baseStatusPort,
        portSlots, maxSenderRestarts, interval, senderResources, senderServiceAccount,
        allowedDevices, hostPathDirectories, namespaces, httpPort, keyNamespace, leaderElection);
  }

  public OperatorConfig withPortSlots(int slots) {
    return new OperatorConfig(programImage, fetchImage, imagePullPolicy, baseDataPort, baseStatusPort,
        slots, maxSenderRestarts, pollInterval, senderResources, senderServiceAccount,
        allowedDevices, hostPathDirectories, namespaces, httpPort, keyNamespace, leaderElection);
  }

  public OperatorConfig withAllowedDevices(List<String> devices) {
    return new OperatorConfig(programImage, fetchImage, imagePullPolicy, baseDataPort, baseStatusPort,
        portSlots, maxSenderRestarts, pollInterval, senderResources, senderServiceAccount,
        devices, hostPathDirectories, namespaces, httpPort, keyNamespace, leaderElection);
  }

  private static String or(String value, String fallback) {
    return value.isEmpty() ? fallback : value;
  }

  private static List<String> csv(String value) {
    return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }
}
