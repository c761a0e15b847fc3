package dev.broadband.operator.reconciler;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import dev.broadband.api.ImageBroadcast;
import dev.broadband.api.ImageBroadcastSpec;
import dev.broadband.api.ImageSource;
import dev.broadband.api.PvcSource;
import dev.broadband.api.SenderPlacement;

/**
 * Repeats the CRD schema's checks (a cluster without CEL, or a client that skipped validation,
 * must still not start a sender with a bad command line) and adds those a schema cannot express,
 * e.g. that the device is one the agents are allowed to write. Messages name the field.
 */
public final class SpecValidator {

  private static final Pattern DURATION = Pattern.compile(ImageBroadcastSpec.DURATION_PATTERN);
  private static final Pattern RATE = Pattern.compile(ImageBroadcastSpec.RATE_PATTERN);
  private static final Pattern IPV4 = Pattern.compile(ImageBroadcastSpec.IPV4_PATTERN);
  private static final Pattern DEVICE = Pattern.compile(ImageBroadcastSpec.DEVICE_PATTERN);
  private static final Pattern URL = Pattern.compile(ImageSource.URL_PATTERN);
  private static final Pattern SHA256 = Pattern.compile(ImageSource.SHA256_PATTERN);
  private static final Pattern LABEL_VALUE = Pattern.compile("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$");

  private final List<String> allowedDevices;
  private final List<Path> hostPathDirectories;

  public SpecValidator(List<String> allowedDevices, List<String> hostPathDirectories) {
    this.allowedDevices = List.copyOf(allowedDevices);
    this.hostPathDirectories = hostPathDirectories.stream().map(d -> Path.of(d).normalize()).toList();
  }

  /** The first problem found, as "spec.field: why", or empty when the spec is valid. */
  public Optional<String> validate(ImageBroadcast broadcast) {
    List<String> problems = new ArrayList<>();
    ImageBroadcastSpec spec = broadcast.getSpec();
    if (spec == null) {
      return Optional.of("spec: is required");
    }
    validateSource(spec.getSource(), problems);
    Map<String, String> selector = spec.getTargetNodeSelector();
    if (selector == null || selector.isEmpty()) {
      problems.add("spec.targetNodeSelector: needs at least one label, or every node would be overwritten");
    } else {
      selector.forEach((key, value) -> {
        if (value == null || !LABEL_VALUE.matcher(value).matches() || value.length() > 63) {
          problems.add("spec.targetNodeSelector." + key + ": '" + value + "' is not a valid label value");
        }
      });
    }
    validateDevice(spec.getTargetDevice(), problems);
    validateAddress(spec.getAddress(), problems);
    validatePlacement(spec.getSender(), problems);
    if (spec.getRate() != null && !RATE.matcher(spec.getRate()).matches()) {
      problems.add("spec.rate: '" + spec.getRate() + "' is not a rate like 800mbit or 1gbit");
    }
    if (spec.getMinReceivers() != null && spec.getMinReceivers() < 1) {
      problems.add("spec.minReceivers: must be at least 1");
    }
    checkDuration("spec.startTimeout", spec.getStartTimeout(), problems);
    checkDuration("spec.dropTimeout", spec.getDropTimeout(), problems);
    if (spec.getTtlSecondsAfterFinished() != null && spec.getTtlSecondsAfterFinished() < 0) {
      problems.add("spec.ttlSecondsAfterFinished: must not be negative");
    }
    return problems.stream().findFirst();
  }

  private void validateSource(ImageSource source, List<String> problems) {
    if (source == null) {
      problems.add("spec.source: is required (one of url, hostPath, pvc)");
      return;
    }
    int kinds = (source.getUrl() != null ? 1 : 0) + (source.getHostPath() != null ? 1 : 0)
        + (source.getPvc() != null ? 1 : 0);
    if (kinds != 1) {
      problems.add("spec.source: set exactly one of url, hostPath or pvc (found " + kinds + ")");
      return;
    }
    if (source.getUrl() != null) {
      if (!URL.matcher(source.getUrl()).matches()) {
        problems.add("spec.source.url: '" + source.getUrl() + "' is not an http:// or https:// URL");
      }
      if (source.getSha256() == null) {
        problems.add("spec.source.sha256: is required with url, as sha256:<64 hex digits>");
      } else if (!SHA256.matcher(source.getSha256()).matches()) {
        problems.add("spec.source.sha256: must be sha256:<64 lowercase hex digits>");
      }
    }
    if (source.getHostPath() != null) {
      validateHostPath(source.getHostPath(), problems);
    }
    PvcSource pvc = source.getPvc();
    if (pvc != null) {
      if (pvc.getClaimName() == null || pvc.getClaimName().isBlank()) {
        problems.add("spec.source.pvc.claimName: is required");
      }
      String path = pvc.getPath();
      if (path == null || path.isBlank() || path.startsWith("/")
          || Path.of(path).normalize().startsWith("..")) {
        problems.add("spec.source.pvc.path: must be a relative path inside the volume");
      }
    }
  }

  private void validateHostPath(String hostPath, List<String> problems) {
    if (!isCleanAbsolute(hostPath)) {
      problems.add("spec.source.hostPath: '" + hostPath + "' is not a clean absolute path");
    } else if (hostPathDirectories.isEmpty()) {
      problems.add("spec.source.hostPath: hostPath sources are off; the chart's sender.hostPathDirectories lists"
          + " the directories they may come from");
    } else if (hostPathDirectories.stream().noneMatch(dir -> Path.of(hostPath).startsWith(dir))) {
      problems.add("spec.source.hostPath: " + hostPath + " is outside the directories hostPath sources may come"
          + " from " + hostPathDirectories + " (the chart's sender.hostPathDirectories)");
    }
  }

  private void validateDevice(String device, List<String> problems) {
    if (device == null || !DEVICE.matcher(device).matches() || device.contains("/../")) {
      problems.add("spec.targetDevice: '" + device + "' is not a device path under /dev");
      return;
    }
    if (!allowedDevices.isEmpty() && allowedDevices.stream().noneMatch(glob -> matches(glob, device))) {
      problems.add("spec.targetDevice: " + device + " is not among the agents' allowed devices "
          + allowedDevices);
    }
  }

  private static void validateAddress(String address, List<String> problems) {
    if (address == null || !IPV4.matcher(address).matches()) {
      problems.add("spec.address: '" + address + "' is not an IPv4 address");
      return;
    }
    // Which subnet the nodes are on is unknown here, so a unicast-looking address (the broadcast
    // address of a /25 ends in .127) is accepted; only the unspecified address is certainly wrong.
    if (address.equals("0.0.0.0")) {
      problems.add("spec.address: 0.0.0.0 is not a destination");
    }
  }

  private static void validatePlacement(SenderPlacement placement, List<String> problems) {
    if (placement != null && placement.getNodeName() != null && placement.getNodeSelector() != null) {
      problems.add("spec.sender: set nodeName or nodeSelector, not both");
    }
  }

  private static void checkDuration(String field, String value, List<String> problems) {
    if (value != null && !DURATION.matcher(value).matches()) {
      problems.add(field + ": '" + value + "' is not a duration like 30s, 2m or 1h");
    }
  }

  private static boolean isCleanAbsolute(String path) {
    return path.startsWith("/") && Path.of(path).normalize().toString().equals(path) && !path.equals("/");
  }

  private static boolean matches(String glob, String device) {
    return FileSystems.getDefault().getPathMatcher("glob:" + glob).matches(Path.of(device));
  }
}
