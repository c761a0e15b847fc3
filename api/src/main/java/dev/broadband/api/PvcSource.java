package dev.broadband.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/** An image stored as a file on a PersistentVolumeClaim, mounted read-only into the sender. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PvcSource {

  /** Relative: no leading slash. Kubernetes checks patterns with RE2, so no look-ahead here. */
  public static final String RELATIVE_PATH_PATTERN = "^[^/\\x00][^\\x00]*$";

  @Required
  @JsonPropertyDescription("Name of the PersistentVolumeClaim, in the ImageBroadcast's namespace.")
  private String claimName;

  @Required
  @Pattern(RELATIVE_PATH_PATTERN)
  @ValidationRule(value = "!self.matches('(^|/)[.][.](/|$)')",
      message = "path must stay inside the volume: no '..' segments")
  @JsonPropertyDescription("Path of the image file inside the volume, relative to its root.")
  private String path;

  public PvcSource() {
  }

  public PvcSource(String claimName, String path) {
    this.claimName = claimName;
    this.path = path;
  }

  public String getClaimName() {
    return claimName;
  }

  public void setClaimName(String claimName) {
    this.claimName = claimName;
  }

  public String getPath() {
    return path;
  }

  public void setPath(String path) {
    this.path = path;
  }
}
