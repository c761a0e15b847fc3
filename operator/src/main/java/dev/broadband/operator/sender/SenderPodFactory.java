package dev.broadband.operator.sender;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.broadband.api.ImageBroadcast;
import dev.broadband.api.ImageBroadcastSpec;
import dev.broadband.api.ImageSource;
import dev.broadband.operator.reconciler.Labels;
import dev.broadband.operator.reconciler.OperatorConfig;
import dev.broadband.operator.reconciler.Owners;
import dev.broadband.operator.reconciler.PortSlot;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;

/**
 * The sender pod: the agent image running {@code broadband server} on the host network (a
 * broadcast must leave through the node's own interface), placed per the spec, never restarted
 * by the kubelet (the operator decides whether a dead sender is worth another try).
 */
public final class SenderPodFactory {

  public static final String SERVER_CONTAINER = "server";
  public static final String FETCH_CONTAINER = "fetch";
  public static final String KEY_DIR = "/var/run/broadband";
  public static final String KEY_FILE = KEY_DIR + "/" + KeySecretFactory.KEY;
  public static final String IMAGE_DIR = "/image";
  /** Where the server leaves its final report; the kubelet keeps it as the termination message. */
  public static final String TERMINATION_LOG = "/dev/termination-log";
  /** The file the server streams: downloaded there, or a hostPath file mounted there. */
  public static final String IMAGE_FILE = IMAGE_DIR + "/image.raw";

  private static final String KEY_VOLUME = "session-key";
  private static final String IMAGE_VOLUME = "image";
  private static final String TMP_VOLUME = "tmp";

  /**
   * Downloads to a temporary name and renames only after the digest matched, so the server can
   * never stream a partial or wrong image. What went wrong lands in the termination message,
   * which the operator copies into the status.
   */
  static final String FETCH_SCRIPT = String.join("\n",
      "set -u",
      "part=" + IMAGE_FILE + ".part",
      "if ! curl -fsSL --retry 5 --retry-connrefused -o \"$part\" \"$BROADBAND_URL\"; then",
      "  echo \"download of $BROADBAND_URL failed\" > " + TERMINATION_LOG + "; exit 1",
      "fi",
      "actual=$(sha256sum \"$part\" | cut -d' ' -f1)",
      "if [ \"$actual\" != \"$BROADBAND_SHA256\" ]; then",
      "  echo \"sha256 mismatch: expected $BROADBAND_SHA256, got $actual\" > " + TERMINATION_LOG + "; exit 1",
      "fi",
      "mv \"$part\" " + IMAGE_FILE);

  private final OperatorConfig config;

  public SenderPodFactory(OperatorConfig config) {
    this.config = config;
  }

  public static String name(ImageBroadcast broadcast, int attempt) {
    return Names.truncate(broadcast.getMetadata().getName(), "-sender-" + attempt);
  }

  /**
   * @param attempt 0 for the first sender, n for the n-th recreation (pods get fresh names so a
   *     terminating predecessor never blocks its successor)
   * @param selectedNodes how many nodes the selector matched: the default for --min-clients
   */
  public Pod desired(ImageBroadcast broadcast, PortSlot ports, int attempt, int selectedNodes) {
    ImageBroadcastSpec spec = broadcast.getSpec();
    ImageSource source = spec.getSource();
    List<Volume> volumes = new ArrayList<>();
    volumes.add(new VolumeBuilder().withName(KEY_VOLUME)
        .withNewSecret().withSecretName(KeySecretFactory.name(broadcast)).withDefaultMode(0400)
        .addNewItem().withKey(KeySecretFactory.KEY).withPath(KeySecretFactory.KEY).endItem()
        .endSecret().build());
    volumes.add(new VolumeBuilder().withName(TMP_VOLUME).withNewEmptyDir().endEmptyDir().build());
    volumes.add(imageVolume(source));

    List<Container> initContainers = source.getUrl() == null ? List.of() : List.of(fetchContainer(source));
    Map<String, String> nodeSelector = spec.getSender() == null ? null : spec.getSender().getNodeSelector();
    String nodeName = spec.getSender() == null ? null : spec.getSender().getNodeName();

    return new PodBuilder()
        .withNewMetadata()
          .withName(name(broadcast, attempt))
          .withNamespace(broadcast.getMetadata().getNamespace())
          .withLabels(Labels.forComponent(broadcast, Labels.COMPONENT_SENDER))
          .withOwnerReferences(Owners.controlledBy(broadcast))
        .endMetadata()
        .withNewSpec()
          .withHostNetwork(true)
          .withDnsPolicy("ClusterFirstWithHostNet")
          .withRestartPolicy("Never")
          .withServiceAccountName(config.senderServiceAccount().isEmpty() ? null : config.senderServiceAccount())
          // The sender talks to no API server; it only needs its mounted key.
          .withAutomountServiceAccountToken(false)
          .withNodeName(nodeName)
          .withNodeSelector(nodeSelector == null ? null : new LinkedHashMap<>(nodeSelector))
          .withTerminationGracePeriodSeconds(10L)
          .withInitContainers(initContainers)
          .withContainers(serverContainer(spec, ports, selectedNodes))
          .withVolumes(volumes)
        .endSpec()
        .build();
  }

  /** {@code broadband server <address> --file ... }: the data plane's fixed contract. */
  public static List<String> serverArgs(ImageBroadcastSpec spec, PortSlot ports, int selectedNodes) {
    List<String> args = new ArrayList<>(List.of(
        "server", spec.getAddress(),
        "--file", IMAGE_FILE,
        "--data-port", String.valueOf(ports.dataPort()),
        "--control-port", String.valueOf(ports.controlPort()),
        "--status-port", String.valueOf(ports.statusPort()),
        "--report-file", TERMINATION_LOG,
        "--key-file", KEY_FILE,
        "--min-clients", String.valueOf(spec.getMinReceivers() != null ? spec.getMinReceivers() : selectedNodes),
        "--start-timeout", spec.getStartTimeout() != null ? spec.getStartTimeout() : ImageBroadcastSpec.DEFAULT_START_TIMEOUT,
        "--drop-timeout", spec.getDropTimeout() != null ? spec.getDropTimeout() : ImageBroadcastSpec.DEFAULT_DROP_TIMEOUT));
    if (spec.getRate() != null) {
      args.add("--rate");
      args.add(spec.getRate());
    }
    if (spec.getSource() != null && spec.getSource().getSha256() != null) {
      // Known beforehand (the download was checked against it): agents that require it write at once.
      args.add("--sha256");
      args.add(spec.getSource().getSha256().substring("sha256:".length()));
    }
    return args;
  }

  private Container serverContainer(ImageBroadcastSpec spec, PortSlot ports, int selectedNodes) {
    List<VolumeMount> mounts = new ArrayList<>();
    mounts.add(new VolumeMountBuilder().withName(KEY_VOLUME).withMountPath(KEY_DIR).withReadOnly(true).build());
    mounts.add(new VolumeMountBuilder().withName(TMP_VOLUME).withMountPath("/tmp").build());
    mounts.add(imageMount(spec.getSource()));
    return new ContainerBuilder()
        .withName(SERVER_CONTAINER)
        .withImage(config.programImage())
        .withImagePullPolicy(config.imagePullPolicy())
        // The image's entrypoint is the `broadband` CLI; the arguments pick its `server` command.
        .withArgs(serverArgs(spec, ports, selectedNodes))
        // Declared host ports let the scheduler keep two senders with equal ports apart.
        .addNewPort().withName("data").withProtocol("UDP")
          .withContainerPort(ports.dataPort()).withHostPort(ports.dataPort()).endPort()
        .addNewPort().withName("control").withProtocol("UDP")
          .withContainerPort(ports.controlPort()).withHostPort(ports.controlPort()).endPort()
        .addNewPort().withName("status").withProtocol("TCP")
          .withContainerPort(ports.statusPort()).withHostPort(ports.statusPort()).endPort()
        .withNewReadinessProbe()
          .withNewHttpGet().withPath("/status").withNewPort(ports.statusPort()).endHttpGet()
          .withPeriodSeconds(5)
        .endReadinessProbe()
        .withResources(resources())
        .withVolumeMounts(mounts)
        .withNewSecurityContext()
          .withAllowPrivilegeEscalation(false)
          .withReadOnlyRootFilesystem(true)
          .withNewCapabilities().withDrop("ALL").endCapabilities()
        .endSecurityContext()
        .withTerminationMessagePath(TERMINATION_LOG)
        .withTerminationMessagePolicy("FallbackToLogsOnError")
        .build();
  }

  private Container fetchContainer(ImageSource source) {
    String hex = source.getSha256().substring("sha256:".length());
    return new ContainerBuilder()
        .withName(FETCH_CONTAINER)
        .withImage(config.fetchImage())
        .withImagePullPolicy(config.imagePullPolicy())
        .withCommand("sh", "-c", FETCH_SCRIPT)
        // Passed as environment, never spliced into the script: the URL is user input.
        .withEnv(new EnvVar("BROADBAND_URL", source.getUrl(), null),
            new EnvVar("BROADBAND_SHA256", hex, null))
        .withVolumeMounts(new VolumeMountBuilder().withName(IMAGE_VOLUME).withMountPath(IMAGE_DIR).build())
        .withNewSecurityContext()
          .withAllowPrivilegeEscalation(false)
          .withNewCapabilities().withDrop("ALL").endCapabilities()
        .endSecurityContext()
        .withTerminationMessagePolicy("FallbackToLogsOnError")
        .build();
  }

  private static Volume imageVolume(ImageSource source) {
    VolumeBuilder volume = new VolumeBuilder().withName(IMAGE_VOLUME);
    if (source.getHostPath() != null) {
      return volume.withNewHostPath().withPath(source.getHostPath()).withType("File").endHostPath().build();
    }
    if (source.getPvc() != null) {
      return volume.withNewPersistentVolumeClaim().withClaimName(source.getPvc().getClaimName())
          .withReadOnly(true).endPersistentVolumeClaim().build();
    }
    return volume.withNewEmptyDir().endEmptyDir().build();
  }

  private static VolumeMount imageMount(ImageSource source) {
    VolumeMountBuilder mount = new VolumeMountBuilder().withName(IMAGE_VOLUME).withReadOnly(true);
    if (source.getHostPath() != null) {
      return mount.withMountPath(IMAGE_FILE).build();
    }
    if (source.getPvc() != null) {
      // The claim's file appears at IMAGE_FILE whatever its path inside the volume.
      return mount.withMountPath(IMAGE_FILE).withSubPath(source.getPvc().getPath()).build();
    }
    return mount.withMountPath(IMAGE_DIR).build();
  }

  private ResourceRequirements resources() {
    OperatorConfig.SenderResources r = config.senderResources();
    ResourceRequirementsBuilder builder = new ResourceRequirementsBuilder();
    putIfSet(builder::addToRequests, "cpu", r.cpuRequest());
    putIfSet(builder::addToRequests, "memory", r.memoryRequest());
    putIfSet(builder::addToLimits, "cpu", r.cpuLimit());
    putIfSet(builder::addToLimits, "memory", r.memoryLimit());
    return builder.build();
  }

  private static void putIfSet(java.util.function.BiFunction<String, Quantity, ?> put, String key,
      String value) {
    if (value != null && !value.isBlank()) {
      put.apply(key, new Quantity(value));
    }
  }
}
