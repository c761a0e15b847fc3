package dev.broadband.operator.reconciler;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import dev.broadband.api.ImageBroadcast;
import dev.broadband.api.ImageBroadcastStatus;

/**
 * Gives each running broadcast its own port slot, so two broadcasts never fight over one node's
 * ports (their senders may share a node, their receivers usually do). A slot is taken while its
 * broadcast has not finished. When none is free the broadcast waits in Pending.
 *
 * <p>Reconciles of different resources run concurrently, and a slot is only durable once the
 * status patch lands, so slots handed out but not yet seen in a status are remembered here.
 */
public final class PortAllocator {

  private final OperatorConfig config;
  /** uid → slot index, for slots given out whose status patch may not be visible yet. */
  private final Map<String, Integer> reserved = new HashMap<>();

  public PortAllocator(OperatorConfig config) {
    this.config = config;
  }

  /** The slot recorded in a status, if any. */
  public Optional<PortSlot> recorded(ImageBroadcastStatus status) {
    if (status == null || status.getDataPort() == null) {
      return Optional.empty();
    }
    int index = (status.getDataPort() - config.baseDataPort()) / 3;
    return Optional.of(new PortSlot(index, status.getDataPort(),
        status.getControlPort() == null ? status.getDataPort() + 1 : status.getControlPort(),
        status.getStatusPort() == null ? config.baseStatusPort() + 3 * index : status.getStatusPort()));
  }

  /**
   * A free slot for {@code broadcast}, given every ImageBroadcast the operator can see; empty when
   * all slots are in use by unfinished broadcasts.
   */
  public synchronized Optional<PortSlot> allocate(ImageBroadcast broadcast,
      Collection<ImageBroadcast> all) {
    String uid = broadcast.getMetadata().getUid();
    Set<String> live = all.stream()
        .filter(ib -> !isFinished(ib))
        .map(ib -> ib.getMetadata().getUid())
        .collect(Collectors.toSet());
    reserved.keySet().removeIf(other -> !other.equals(uid) && !live.contains(other));
    Integer mine = reserved.get(uid);
    if (mine != null) {
      return Optional.of(PortSlot.of(mine, config));
    }
    Set<Integer> taken = new HashSet<>(reserved.values());
    for (ImageBroadcast other : all) {
      if (!uid.equals(other.getMetadata().getUid()) && !isFinished(other)) {
        recorded(other.getStatus()).ifPresent(slot -> taken.add(slot.index()));
      }
    }
    for (int index = 0; index < config.portSlots(); index++) {
      if (!taken.contains(index)) {
        reserved.put(uid, index);
        return Optional.of(PortSlot.of(index, config));
      }
    }
    return Optional.empty();
  }

  /** Frees the slot of a broadcast that finished or is gone. */
  public synchronized void release(String uid) {
    reserved.remove(uid);
  }

  private static boolean isFinished(ImageBroadcast broadcast) {
    return broadcast.getStatus() != null && broadcast.getStatus().getPhase() != null
        && broadcast.getStatus().getPhase().isFinished();
  }
}
