package dev.broadband.api;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** What to send, to whom and how fast. Immutable once created, as a Job's template is. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self == oldSelf",
    message = "spec is immutable: to image again, create a new ImageBroadcast")
public class ImageBroadcastSpec {

  /** Durations the sender's command line accepts: a whole number of seconds, minutes or hours. */
  public static final String DURATION_PATTERN = "^[1-9][0-9]*(s|m|h)$";
  /** Rates the sender's command line accepts, e.g. 800mbit or 1gbit. */
  public static final String RATE_PATTERN = "^[1-9][0-9]*(kbit|mbit|gbit)$";
  public static final String IPV4_PATTERN =
      "^((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$";
  public static final String DEVICE_PATTERN = "^/dev/[A-Za-z0-9._:/+-]+$";
  public static final String DEFAULT_START_TIMEOUT = "10m";
  public static final String DEFAULT_DROP_TIMEOUT = "30s";

  @Required
  @JsonPropertyDescription("Where the sender reads the image: exactly one of url, hostPath or pvc.")
  private ImageSource source;

  @Required
  @Size(min = 1)
  @JsonPropertyDescription("Labels selecting the nodes to image; every matching node must succeed.")
  private Map<String, String> targetNodeSelector = new LinkedHashMap<>();

  @Required
  @Pattern(DEVICE_PATTERN)
  @JsonPropertyDescription("Block device written on each target node, e.g. /dev/sdb or /dev/disk/by-id/...; "
      + "it must be allowed by the agent's allowedDevices and must not be mounted.")
  private String targetDevice;

  @Required
  @Pattern(IPV4_PATTERN)
  @JsonPropertyDescription("IPv4 broadcast address of the nodes' segment (e.g. 10.0.0.255) "
      + "or multicast group (224.0.0.0/4) the sender streams to.")
  private String address;

  @JsonPropertyDescription("Where the sender pod runs; by default anywhere the scheduler likes, "
      + "which must be on the targets' segment for broadcast.")
  private SenderPlacement sender;

  @Pattern(RATE_PATTERN)
  @JsonPropertyDescription("Cap on the sender's rate, e.g. 800mbit or 1gbit; unlimited when unset.")
  private String rate;

  @Min(1)
  @JsonPropertyDescription("Receivers that must join before streaming starts; all selected nodes when unset.")
  private Integer minReceivers;

  @Pattern(DURATION_PATTERN)
  @JsonPropertyDescription("How long the sender waits for minReceivers before it gives up (default 10m).")
  private String startTimeout;

  @Pattern(DURATION_PATTERN)
  @JsonPropertyDescription("A receiver silent this long is dropped and its node fails (default 30s).")
  private String dropTimeout;

  @JsonPropertyDescription("What a node does once its disk verified: None (the default), or Reboot, which "
      + "asks for a reboot through kured's reboot-required sentinel file, so that nodes are drained and "
      + "rebooted one at a time.")
  private AfterWrite afterWrite;

  @JsonPropertyDescription("Every selected node's agent runs all its checks of targetDevice and reports "
      + "what it would write where, and writes nothing.")
  private Boolean dryRun;

  @JsonPropertyDescription("Each node's agent first compares targetDevice with the image's chunks and "
      + "receives only those that differ, so re-imaging a disk that holds the previous version sends "
      + "little (default true; it applies when the image travels as chunks). false: receive everything.")
  private Boolean delta;

  @Min(0)
  @JsonPropertyDescription("Delete this resource, its pod and Secret this many seconds after it "
      + "Succeeded or Failed; kept forever when unset.")
  private Long ttlSecondsAfterFinished;

  public ImageSource getSource() {
    return source;
  }

  public void setSource(ImageSource source) {
    this.source = source;
  }

  public Map<String, String> getTargetNodeSelector() {
    return targetNodeSelector;
  }

  public void setTargetNodeSelector(Map<String, String> targetNodeSelector) {
    this.targetNodeSelector = targetNodeSelector;
  }

  public String getTargetDevice() {
    return targetDevice;
  }

  public void setTargetDevice(String targetDevice) {
    this.targetDevice = targetDevice;
  }

  public String getAddress() {
    return address;
  }

  public void setAddress(String address) {
    this.address = address;
  }

  public SenderPlacement getSender() {
    return sender;
  }

  public void setSender(SenderPlacement sender) {
    this.sender = sender;
  }

  public String getRate() {
    return rate;
  }

  public void setRate(String rate) {
    this.rate = rate;
  }

  public Integer getMinReceivers() {
    return minReceivers;
  }

  public void setMinReceivers(Integer minReceivers) {
    this.minReceivers = minReceivers;
  }

  public String getStartTimeout() {
    return startTimeout;
  }

  public void setStartTimeout(String startTimeout) {
    this.startTimeout = startTimeout;
  }

  public String getDropTimeout() {
    return dropTimeout;
  }

  public void setDropTimeout(String dropTimeout) {
    this.dropTimeout = dropTimeout;
  }

  public AfterWrite getAfterWrite() {
    return afterWrite;
  }

  public void setAfterWrite(AfterWrite afterWrite) {
    this.afterWrite = afterWrite;
  }

  public Boolean getDryRun() {
    return dryRun;
  }

  public void setDryRun(Boolean dryRun) {
    this.dryRun = dryRun;
  }

  public Boolean getDelta() {
    return delta;
  }

  public void setDelta(Boolean delta) {
    this.delta = delta;
  }

  public Long getTtlSecondsAfterFinished() {
    return ttlSecondsAfterFinished;
  }

  public void setTtlSecondsAfterFinished(Long ttlSecondsAfterFinished) {
    this.ttlSecondsAfterFinished = ttlSecondsAfterFinished;
  }
}
