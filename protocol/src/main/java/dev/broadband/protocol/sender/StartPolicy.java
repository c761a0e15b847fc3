package dev.broadband.protocol.sender;

import java.time.Duration;

/**
 * When streaming starts: once {@code minClients} joined; without a minimum, once the first client joined and a
 * short gathering window passed (so that clients started together begin together). When the start timeout runs
 * out, start with whoever joined, or give up when nobody did.
 */
public record StartPolicy(int minClients, Duration gatheringWindow, Duration startTimeout) {
    public enum Decision { WAIT, START, GIVE_UP }

    /**
     * @param waitingNanos time since the sender began waiting
     * @param sinceFirstJoinNanos time since the first client joined, or -1 when none has
     */
    public Decision decide(int joined, long waitingNanos, long sinceFirstJoinNanos) {
        if (minClients > 0 && joined >= minClients) {
            return Decision.START;
        }
        if (minClients <= 0 && joined > 0 && sinceFirstJoinNanos >= gatheringWindow.toNanos()) {
            return Decision.START;
        }
        if (startTimeout != null && waitingNanos >= startTimeout.toNanos()) {
            return joined > 0 ? Decision.START : Decision.GIVE_UP;
        }
        return Decision.WAIT;
    }
}
