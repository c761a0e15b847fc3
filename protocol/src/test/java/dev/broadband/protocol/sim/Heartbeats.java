package dev.broadband.protocol.sim;

import dev.broadband.protocol.wire.ControlMessage.Heartbeat;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The heartbeats of a receiver modelled by {@link ReceiverModel}, as the sender's rate control reads them: one every
 * {@link Heartbeat#INTERVAL_NANOS}, with the datagrams its buffer dropped since the last one (the kernel's counter is
 * cumulative; the server takes the difference) and its loss since then in permille.
 */
final class Heartbeats {
    record Report(long newOverflowDrops, int lossPermille) {}

    private final ReceiverModel receiver;
    private long next;
    private long reportedDrops;
    private long reportedSent;
    private long reportedLost;

    private Heartbeats(ReceiverModel receiver, long first) {
        this.receiver = receiver;
        this.next = first;
    }

    /** One per receiver: clients started at different moments report at different phases of the interval. */
    static List<Heartbeats> of(List<ReceiverModel> receivers) {
        int n = receivers.size();
        return IntStream.range(0, n)
                .mapToObj(i -> new Heartbeats(receivers.get(i), Heartbeat.INTERVAL_NANOS * (i + 1) / n))
                .toList();
    }

    /** The heartbeat due by {@code now}, or null when none is. */
    Report poll(long now) {
        if (now < next) {
            return null;
        }
        long sent = receiver.sent() - reportedSent;
        long lost = receiver.lost() - reportedLost;
        int lossPermille = sent == 0 ? 0 : (int) (lost * 1000 / sent);
        Report report = new Report(receiver.overflowDrops() - reportedDrops, lossPermille);
        reportedDrops = receiver.overflowDrops();
        reportedSent = receiver.sent();
        reportedLost = receiver.lost();
        next += Heartbeat.INTERVAL_NANOS;
        return report;
    }
}
