package dev.broadband.protocol.receiver;

/** Share of data packets lost on the way, from gaps in the sender's packet sequence numbers, per report interval. */
final class LossMeter {
    private boolean any;
    private int first;
    private int last;
    private long count;

    void onPacket(int seq) {
        if (!any) {
            any = true;
            first = seq;
            last = seq;
        } else if (seq - last > 0) {
            last = seq;
        }
        count++;
    }

    /** Loss in permille since the previous call, and starts a new interval. */
    int takePermille() {
        if (!any) {
            return 0;
        }
        long span = (long) (last - first) + 1;
        int permille = span <= 0 ? 0 : (int) Math.max(0, Math.min(1000, 1000 - count * 1000 / span));
        any = false;
        count = 0;
        return permille;
    }
}
