package dev.broadband.operator.status;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.broadband.api.BroadcastPhase;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;

/**
 * Ready, Progressing and Failed, derived from the phase alone so they can never disagree with it.
 * A condition's lastTransitionTime moves only when its status flips.
 */
public final class Conditions {

  public static final String READY = "Ready";
  public static final String PROGRESSING = "Progressing";
  public static final String FAILED = "Failed";

  private Conditions() {
  }

  public static List<Condition> of(BroadcastPhase phase, String reason, String message,
      Long generation, List<Condition> previous, Instant now) {
    boolean ready = phase == BroadcastPhase.SUCCEEDED;
    boolean failed = phase == BroadcastPhase.FAILED;
    boolean progressing = !phase.isFinished();
    return List.of(
        condition(READY, ready, reason, message, generation, previous, now),
        condition(PROGRESSING, progressing, reason, message, generation, previous, now),
        condition(FAILED, failed, reason, failed ? message : "", generation, previous, now));
  }

  private static Condition condition(String type, boolean value, String reason, String message,
      Long generation, List<Condition> previous, Instant now) {
    String status = value ? "True" : "False";
    String since = find(previous, type)
        .filter(c -> status.equals(c.getStatus()) && c.getLastTransitionTime() != null)
        .map(Condition::getLastTransitionTime)
        .orElse(now.toString());
    return new ConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withMessage(message == null ? "" : message)
        .withObservedGeneration(generation)
        .withLastTransitionTime(since)
        .build();
  }

  public static Optional<Condition> find(List<Condition> conditions, String type) {
    return conditions == null ? Optional.empty()
        : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }
}
