package dev.broadband.api;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;

/** Pins the sender pod to a node: broadcast only reaches the sender's own segment. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!(has(self.nodeName) && has(self.nodeSelector))",
    message = "set nodeName or nodeSelector, not both")
public class SenderPlacement {

  @JsonPropertyDescription("Run the sender on exactly this node (a hostPath source lives there).")
  private String nodeName;

  @JsonPropertyDescription("Run the sender on a node with these labels.")
  private Map<String, String> nodeSelector;

  public SenderPlacement() {
  }

  public static SenderPlacement onNode(String nodeName) {
    SenderPlacement placement = new SenderPlacement();
    placement.setNodeName(nodeName);
    return placement;
  }

  public static SenderPlacement onNodesLabelled(Map<String, String> nodeSelector) {
    SenderPlacement placement = new SenderPlacement();
    placement.setNodeSelector(nodeSelector);
    return placement;
  }

  public String getNodeName() {
    return nodeName;
  }

  public void setNodeName(String nodeName) {
    this.nodeName = nodeName;
  }

  public Map<String, String> getNodeSelector() {
    return nodeSelector;
  }

  public void setNodeSelector(Map<String, String> nodeSelector) {
    this.nodeSelector = nodeSelector;
  }
}
