package dev.broadband.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;

/**
 * Written only by the operator, from what the sender reports (it hears every receiver), so that
 * hundreds of agents never race to patch one resource.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ImageBroadcastStatus {

  private BroadcastPhase phase;
  @JsonPropertyDescription("Bytes verified on all selected nodes over image size x selected nodes, e.g. 42.5%.")
  private String progress;
  @JsonPropertyDescription("Succeeded over selected nodes, e.g. 7/10.")
  private String nodes;
  @JsonPropertyDescription("The sender's current rate, e.g. 812Mbit/s.")
  private String rate;
  private String message;
  private Long observedGeneration;
  @JsonPropertyDescription("Name of the current sender pod.")
  private String senderPod;
  @JsonPropertyDescription("IP address of the sender's node (the sender uses the host network).")
  private String senderAddress;
  @JsonPropertyDescription("UDP port of the data stream; control is dataPort+1. Distinct per running broadcast.")
  private Integer dataPort;
  private Integer controlPort;
  @JsonPropertyDescription("TCP port of the sender's /status and /metrics.")
  private Integer statusPort;
  @JsonPropertyDescription("Secret holding the session key, under the key 'key'.")
  private String keySecret;
  @JsonPropertyDescription("namespace/name of the copy of the session key that the node agents read: in the"
      + " operator's namespace, so agents need no access to Secrets of the broadcasts' namespaces.")
  private String agentKeySecret;
  private String session;
  private Long imageBytes;
  @JsonPropertyDescription("How the source holds the image, as the sender found it: raw, zstd, xz or gzip. Nodes"
      + " write and verify the raw image whichever it is.")
  private String sourceFormat;
  @JsonPropertyDescription("How many times the sender pod was recreated after it died.")
  private Integer senderRestarts;
  @JsonPropertyDescription("The nodes this broadcast images, taken once when its sender was created: relabelling"
      + " a node later neither adds it nor drops it.")
  private List<String> targetNodes;
  private String startTime;
  private String completionTime;
  private List<NodeStatus> nodeStatuses = new ArrayList<>();
  private List<Condition> conditions = new ArrayList<>();

  public BroadcastPhase getPhase() {
    return phase;
  }

  public void setPhase(BroadcastPhase phase) {
    this.phase = phase;
  }

  public String getProgress() {
    return progress;
  }

  public void setProgress(String progress) {
    this.progress = progress;
  }

  public String getNodes() {
    return nodes;
  }

  public void setNodes(String nodes) {
    this.nodes = nodes;
  }

  public String getRate() {
    return rate;
  }

  public void setRate(String rate) {
    this.rate = rate;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public String getSenderPod() {
    return senderPod;
  }

  public void setSenderPod(String senderPod) {
    this.senderPod = senderPod;
  }

  public String getSenderAddress() {
    return senderAddress;
  }

  public void setSenderAddress(String senderAddress) {
    this.senderAddress = senderAddress;
  }

  public Integer getDataPort() {
    return dataPort;
  }

  public void setDataPort(Integer dataPort) {
    this.dataPort = dataPort;
  }

  public Integer getControlPort() {
    return controlPort;
  }

  public void setControlPort(Integer controlPort) {
    this.controlPort = controlPort;
  }

  public Integer getStatusPort() {
    return statusPort;
  }

  public void setStatusPort(Integer statusPort) {
    this.statusPort = statusPort;
  }

  public String getKeySecret() {
    return keySecret;
  }

  public void setKeySecret(String keySecret) {
    this.keySecret = keySecret;
  }

  public String getSession() {
    return session;
  }

  public void setSession(String session) {
    this.session = session;
  }

  public String getSourceFormat() {
    return sourceFormat;
  }

  public void setSourceFormat(String sourceFormat) {
    this.sourceFormat = sourceFormat;
  }

  public Long getImageBytes() {
    return imageBytes;
  }

  public void setImageBytes(Long imageBytes) {
    this.imageBytes = imageBytes;
  }

  public List<String> getTargetNodes() {
    return targetNodes;
  }

  public void setTargetNodes(List<String> targetNodes) {
    this.targetNodes = targetNodes == null ? null : List.copyOf(targetNodes);
  }

  public String getAgentKeySecret() {
    return agentKeySecret;
  }

  public void setAgentKeySecret(String agentKeySecret) {
    this.agentKeySecret = agentKeySecret;
  }

  public Integer getSenderRestarts() {
    return senderRestarts;
  }

  public void setSenderRestarts(Integer senderRestarts) {
    this.senderRestarts = senderRestarts;
  }

  public String getStartTime() {
    return startTime;
  }

  public void setStartTime(String startTime) {
    this.startTime = startTime;
  }

  public String getCompletionTime() {
    return completionTime;
  }

  public void setCompletionTime(String completionTime) {
    this.completionTime = completionTime;
  }

  public List<NodeStatus> getNodeStatuses() {
    return nodeStatuses;
  }

  public void setNodeStatuses(List<NodeStatus> nodeStatuses) {
    this.nodeStatuses = nodeStatuses;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof ImageBroadcastStatus s)) {
      return false;
    }
    return phase == s.phase && Objects.equals(progress, s.progress)
        && Objects.equals(nodes, s.nodes) && Objects.equals(rate, s.rate)
        && Objects.equals(message, s.message)
        && Objects.equals(observedGeneration, s.observedGeneration)
        && Objects.equals(senderPod, s.senderPod) && Objects.equals(senderAddress, s.senderAddress)
        && Objects.equals(dataPort, s.dataPort) && Objects.equals(controlPort, s.controlPort)
        && Objects.equals(statusPort, s.statusPort) && Objects.equals(keySecret, s.keySecret)
        && Objects.equals(session, s.session) && Objects.equals(imageBytes, s.imageBytes)
        && Objects.equals(senderRestarts, s.senderRestarts)
        && Objects.equals(targetNodes, s.targetNodes)
        && Objects.equals(startTime, s.startTime)
        && Objects.equals(completionTime, s.completionTime)
        && Objects.equals(nodeStatuses, s.nodeStatuses)
        && Objects.equals(conditions, s.conditions);
  }

  @Override
  public int hashCode() {
    return Objects.hash(phase, progress, nodes, message, senderPod, session);
  }
}
