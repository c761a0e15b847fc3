package dev.broadband.operator.sender;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.broadband.api.ImageBroadcast;
import dev.broadband.operator.reconciler.Labels;
import dev.broadband.operator.reconciler.Owners;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;

/**
 * The session key: random bytes that the sender and every agent of one broadcast share, so that
 * packets are authenticated and a forged or stray packet is dropped, never written to a disk.
 */
public final class KeySecretFactory {

  /** The key inside the Secret, and the file name it is mounted as. */
  public static final String KEY = "key";
  public static final int KEY_BYTES = 32;

  private static final SecureRandom RANDOM = new SecureRandom();

  private KeySecretFactory() {
  }

  public static String name(ImageBroadcast broadcast) {
    return Names.truncate(broadcast.getMetadata().getName(), "-key");
  }

  /** The agents' copy: named by the broadcast's uid, unique whatever namespace it is in. */
  public static String agentCopyName(ImageBroadcast broadcast) {
    return "broadband-key-" + broadcast.getMetadata().getUid();
  }

  /**
   * The same key in the operator's namespace, for the node agents, which then read Secrets there
   * only. No owner reference can cross namespaces: the operator deletes it when the broadcast
   * finishes or is gone.
   */
  public static Secret agentCopy(ImageBroadcast broadcast, Secret original, String namespace) {
    Map<String, String> labels = new LinkedHashMap<>(Labels.forComponent(broadcast, Labels.COMPONENT_AGENT_KEY));
    labels.put(Labels.BROADCAST_UID, broadcast.getMetadata().getUid());
    return new SecretBuilder()
        .withNewMetadata()
          .withName(agentCopyName(broadcast))
          .withNamespace(namespace)
          .withLabels(labels)
          .addToAnnotations(ImageBroadcast.GROUP + "/broadcast",
              broadcast.getMetadata().getNamespace() + "/" + broadcast.getMetadata().getName())
        .endMetadata()
        .withType("Opaque")
        .withImmutable(true)
        .withData(Map.of(KEY, original.getData().get(KEY)))
        .build();
  }

  public static Secret desired(ImageBroadcast broadcast) {
    byte[] key = new byte[KEY_BYTES];
    RANDOM.nextBytes(key);
    return new SecretBuilder()
        .withNewMetadata()
          .withName(name(broadcast))
          .withNamespace(broadcast.getMetadata().getNamespace())
          .withLabels(Labels.forComponent(broadcast, Labels.COMPONENT_KEY))
          .withOwnerReferences(Owners.controlledBy(broadcast))
        .endMetadata()
        .withType("Opaque")
        // Never rotated within a broadcast: a recreated sender must speak to the same agents.
        .withImmutable(true)
        .withData(Map.of(KEY, Base64.getEncoder().encodeToString(key)))
        .build();
  }
}
