package dev.broadband.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;

/** Exactly one of: an HTTP(S) URL with its digest, a file on the sender's node, a file on a PVC. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "(has(self.url) ? 1 : 0) + (has(self.hostPath) ? 1 : 0) + (has(self.pvc) ? 1 : 0) == 1",
    message = "set exactly one of url, hostPath or pvc")
@ValidationRule(value = "!has(self.url) || has(self.sha256)",
    message = "url needs sha256: the sender verifies the download before streaming")
public class ImageSource {

  public static final String URL_PATTERN = "^https?://[^\\s]+$";
  public static final String SHA256_PATTERN = "^sha256:[0-9a-f]{64}$";
  public static final String ABSOLUTE_PATH_PATTERN = "^/[^\\x00]*$";

  @Pattern(URL_PATTERN)
  @JsonPropertyDescription("HTTP(S) URL the sender pod downloads before streaming (phase Preparing).")
  private String url;

  @Pattern(SHA256_PATTERN)
  @JsonPropertyDescription("Digest of the file at url, as sha256:<64 lowercase hex digits>: of the compressed file"
      + " when it is one (zstd, xz or gzip), as a download page gives it.")
  private String sha256;

  @Pattern(ABSOLUTE_PATH_PATTERN)
  @JsonPropertyDescription("Absolute path of the image file on the sender's node, inside one of the directories"
      + " the chart allows (sender.hostPathDirectories, by default /var/lib/broadband).")
  private String hostPath;

  @JsonPropertyDescription("The image as a file on a PersistentVolumeClaim in this namespace.")
  private PvcSource pvc;

  public ImageSource() {
  }

  public static ImageSource ofUrl(String url, String sha256) {
    ImageSource source = new ImageSource();
    source.setUrl(url);
    source.setSha256(sha256);
    return source;
  }

  public static ImageSource ofHostPath(String hostPath) {
    ImageSource source = new ImageSource();
    source.setHostPath(hostPath);
    return source;
  }

  public static ImageSource ofPvc(String claimName, String path) {
    ImageSource source = new ImageSource();
    source.setPvc(new PvcSource(claimName, path));
    return source;
  }

  public String getUrl() {
    return url;
  }

  public void setUrl(String url) {
    this.url = url;
  }

  public String getSha256() {
    return sha256;
  }

  public void setSha256(String sha256) {
    this.sha256 = sha256;
  }

  public String getHostPath() {
    return hostPath;
  }

  public void setHostPath(String hostPath) {
    this.hostPath = hostPath;
  }

  public PvcSource getPvc() {
    return pvc;
  }

  public void setPvc(PvcSource pvc) {
    this.pvc = pvc;
  }
}
