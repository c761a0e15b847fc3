package dev.broadband.program.cli;

import dev.broadband.protocol.receiver.ProgressListener;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A progress bar with rate and ETA on stderr, one per phase. */
final class TerminalProgress implements ProgressListener {
    private ProgressBar bar;
    private String phase;

    @Override
    public void progress(String phase, long done, long total) {
        if (!phase.equals(this.phase)) {
            finished();
            this.phase = phase;
            bar = new ProgressBarBuilder().setTaskName(phase).setInitialMax(Math.max(1, total >> 20)).setUnit(" MiB", 1)
                    .setStyle(ProgressBarStyle.ASCII).showSpeed().setMaxRenderedLength(100).setConsumer(
                            new me.tongfei.progressbar.InteractiveConsoleProgressBarConsumer(System.err)).build();
        }
        bar.stepTo(done >> 20);
    }

    @Override
    public void finished() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
