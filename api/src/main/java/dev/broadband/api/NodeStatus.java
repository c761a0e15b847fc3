package dev.broadband.api;

import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One selected node's share of the broadcast. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NodeStatus {

  private String name;
  private NodePhase phase;
  /** Bytes received (all of them once verified) over the image size, e.g. "42.5%". */
  private String progress;
  private Long bytes;
  /** Why it failed or was dropped, as the receiver or sender reported it. */
  private String message;

  public NodeStatus() {
  }

  public NodeStatus(String name, NodePhase phase, String progress, Long bytes, String message) {
    this.name = name;
    this.phase = phase;
    this.progress = progress;
    this.bytes = bytes;
    this.message = message;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public NodePhase getPhase() {
    return phase;
  }

  public void setPhase(NodePhase phase) {
    this.phase = phase;
  }

  public String getProgress() {
    return progress;
  }

  public void setProgress(String progress) {
    this.progress = progress;
  }

  public Long getBytes() {
    return bytes;
  }

  public void setBytes(Long bytes) {
    this.bytes = bytes;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof NodeStatus other)) {
      return false;
    }
    return Objects.equals(name, other.name) && phase == other.phase
        && Objects.equals(progress, other.progress) && Objects.equals(bytes, other.bytes)
        && Objects.equals(message, other.message);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, phase, progress, bytes, message);
  }

  @Override
  public String toString() {
    return name + " " + phase + " " + progress + (message == null ? "" : " (" + message + ")");
  }
}
