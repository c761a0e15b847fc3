package dev.broadband.operator.reconciler;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.broadband.api.ImageBroadcast;

/** Labels on everything the operator creates: how its informers and humans find them. */
public final class Labels {

  public static final String NAME = "app.kubernetes.io/name";
  public static final String COMPONENT = "app.kubernetes.io/component";
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String BROADCAST = ImageBroadcast.GROUP + "/broadcast";

  public static final String NAME_VALUE = "broadband";
  public static final String MANAGED_BY_VALUE = "broadband-operator";
  public static final String COMPONENT_SENDER = "sender";
  public static final String COMPONENT_KEY = "session-key";
  /** The agents' copy of a session key, in the operator's namespace. */
  public static final String COMPONENT_AGENT_KEY = "agent-session-key";
  /** On the agents' copy: the uid of its broadcast, which may live in any namespace. */
  public static final String BROADCAST_UID = ImageBroadcast.GROUP + "/broadcast-uid";

  /** Selects every object this operator manages, for the informers. */
  public static final String MANAGED_SELECTOR = MANAGED_BY + "=" + MANAGED_BY_VALUE;

  private Labels() {
  }

  public static Map<String, String> forComponent(ImageBroadcast broadcast, String component) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(NAME, NAME_VALUE);
    labels.put(COMPONENT, component);
    labels.put(MANAGED_BY, MANAGED_BY_VALUE);
    labels.put(BROADCAST, broadcast.getMetadata().getName());
    return labels;
  }
}
