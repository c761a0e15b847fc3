package dev.broadband.operator.reconciler;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * What each node's disk holds, on the Node itself: once a broadcast finished, every node that verified the image is
 * annotated with its SHA-256, the broadcast and the time, so that {@code kubectl get node -o yaml} (or a selector
 * of a tool built on it) says which image a machine runs without digging up old broadcasts.
 */
final class NodeImageRecord {
  static final String SHA256 = "broadband.dev/image-sha256";
  static final String BROADCAST = "broadband.dev/image-broadcast";
  static final String WRITTEN_AT = "broadband.dev/image-written-at";

  private NodeImageRecord() {}

  static Map<String, String> annotations(String sha256, String broadcast, Instant writtenAt) {
    Map<String, String> a = new LinkedHashMap<>();
    a.put(SHA256, sha256);
    a.put(BROADCAST, broadcast);
    a.put(WRITTEN_AT, writtenAt.toString());
    return a;
  }

  /** @return the nodes that could not be annotated, each with why; an empty list when all were */
  static List<String> record(KubernetesClient client, List<String> nodes, Map<String, String> annotations) {
    List<String> failed = new ArrayList<>();
    for (String node : nodes) {
      try {
        client.nodes().withName(node).edit(n -> {
          Map<String, String> all = n.getMetadata().getAnnotations() == null
              ? new LinkedHashMap<>() : new LinkedHashMap<>(n.getMetadata().getAnnotations());
          all.putAll(annotations);
          n.getMetadata().setAnnotations(all);
          return n;
        });
      } catch (KubernetesClientException e) {
        failed.add(node + " (" + e.getMessage() + ")");
      }
    }
    return failed;
  }
}
