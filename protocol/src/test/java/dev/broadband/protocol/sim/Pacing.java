package dev.broadband.protocol.sim;

import dev.broadband.protocol.sender.RateController;

/**
 * When the simulated sender's packets go out: back to back at the link's pace, or, as the server paces them, each
 * also no sooner than its {@link RateController} allows.
 */
interface Pacing {
    /** The instant, not before {@code earliest} (when the link is free), at which one more packet goes out. */
    long send(long earliest);

    /** A chunk of the schedule went out: the server's loop ticks its rate after each. */
    void sent(long now);

    /** The schedule had nothing to send. */
    void idle();

    /** The link alone: the scenarios without receivers that report. */
    Pacing LINK = new Pacing() {
        @Override
        public long send(long earliest) {
            return earliest;
        }

        @Override
        public void sent(long now) {}

        @Override
        public void idle() {}
    };

    static Pacing by(RateController rate, int wireBytes) {
        return new Pacing() {
            @Override
            public long send(long earliest) {
                long at = earliest;
                long wait;
                while ((wait = rate.delayFor(wireBytes, at)) > 0) {
                    at += wait;
                }
                return at;
            }

            @Override
            public void sent(long now) {
                // Like a blocking socket, the simulated link cannot tell that it was full: it just waits.
                rate.tick(now, -1);
            }

            @Override
            public void idle() {
                rate.idle();
            }
        };
    }
}
