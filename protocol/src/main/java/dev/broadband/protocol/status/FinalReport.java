package dev.broadband.protocol.status;

import java.util.ArrayList;
import java.util.List;

/**
 * The sender's last word on a session, written as it exits (on Kubernetes, as its pod's termination message), so the
 * outcome outlives the process: a reader that restarted, or that polled the status endpoint too rarely, still learns
 * who verified the image and why each other client stopped. Defined once, for the sender that writes it and the
 * operator that reads it.
 *
 * <p>It has to be small (the kubelet keeps 4096 bytes of a termination message), so it names the clients that
 * verified and details only the others; {@link #shortened} trades detail for size, and {@code omitted} counts the
 * clients left out when even names did not fit.
 */
public record FinalReport(String session, SessionPhase phase, long imageBytes, String sha256, List<String> succeeded,
                          List<Unfinished> unfinished, int omitted) {

    /** A client that did not verify: how far it got and why it stopped. */
    public record Unfinished(String name, ClientState state, long bytesReceived, String message) {}

    public FinalReport {
        succeeded = succeeded == null ? List.of() : List.copyOf(succeeded);
        unfinished = unfinished == null ? List.of() : List.copyOf(unfinished);
    }

    public static FinalReport of(SessionStatus status) {
        List<String> succeeded = new ArrayList<>();
        List<Unfinished> unfinished = new ArrayList<>();
        for (ClientStatus c : status.clients()) {
            if (c.state() == ClientState.SUCCEEDED) {
                succeeded.add(c.name());
            } else {
                unfinished.add(new Unfinished(c.name(), c.state(), c.bytesReceived(), c.message()));
            }
        }
        return new FinalReport(status.session(), status.phase(), status.imageBytes(), status.sha256(), succeeded,
                unfinished, 0);
    }

    /**
     * The same report with every message cut to {@code messageChars}, and only the first {@code keep} entries,
     * unfinished clients first: what went wrong is what a reader needs, and a client left out reads as not known,
     * never as imaged.
     */
    public FinalReport shortened(int messageChars, int keep) {
        List<Unfinished> cut = unfinished.stream()
                .map(u -> new Unfinished(u.name(), u.state(), u.bytesReceived(), cut(u.message(), messageChars)))
                .toList();
        int keepUnfinished = Math.min(cut.size(), Math.max(0, keep));
        int keepSucceeded = Math.min(succeeded.size(), Math.max(0, keep - keepUnfinished));
        int left = succeeded.size() - keepSucceeded + cut.size() - keepUnfinished;
        return new FinalReport(session, phase, imageBytes, sha256, succeeded.subList(0, keepSucceeded),
                cut.subList(0, keepUnfinished), omitted + left);
    }

    public int entries() {
        return succeeded.size() + unfinished.size();
    }

    /** As a status document without the live fields (rate, counters), for readers of either. */
    public SessionStatus toSessionStatus() {
        List<ClientStatus> clients = new ArrayList<>();
        succeeded.forEach(name -> clients.add(new ClientStatus(null, name, null, ClientState.SUCCEEDED, imageBytes, 0,
                "")));
        unfinished.forEach(u -> clients.add(new ClientStatus(null, u.name(), null, u.state(), u.bytesReceived(), 0,
                u.message())));
        return new SessionStatus(session, phase, imageBytes, sha256, 0, 0, null, clients, null);
    }

    private static String cut(String message, int chars) {
        if (message == null || message.length() <= chars) {
            return message;
        }
        return chars <= 1 ? "" : message.substring(0, chars - 1) + "…";
    }
}
