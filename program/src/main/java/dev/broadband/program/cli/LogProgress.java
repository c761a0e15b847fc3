package dev.broadband.program.cli;

import dev.broadband.protocol.Units;
import dev.broadband.protocol.receiver.ProgressListener;
import org.slf4j.Logger;

/** Progress as a log line every few seconds, for when stderr is not a terminal. */
final class LogProgress implements ProgressListener {
    private static final long INTERVAL = 5_000_000_000L;
    private final Logger log;
    private long next = System.nanoTime() + INTERVAL;

    LogProgress(Logger log) {
        this.log = log;
    }

    @Override
    public void progress(String phase, long done, long total) {
        long now = System.nanoTime();
        if (now >= next) {
            log.info("{} {}", phase, Units.formatPercent(total == 0 ? 1 : (double) done / total));
            next = now + INTERVAL;
        }
    }
}
