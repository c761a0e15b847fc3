package dev.broadband.protocol.receiver;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Writes down every event it hears, in order, from whichever thread: "joined", "receiving 1/2", "finished". */
public final class RecordingProgress implements ProgressListener {
    private final List<String> heard = new CopyOnWriteArrayList<>();

    @Override
    public void joined() {
        heard.add("joined");
    }

    @Override
    public void progress(String phase, long done, long total) {
        heard.add(phase + " " + done + "/" + total);
    }

    @Override
    public void finished() {
        heard.add("finished");
    }

    public List<String> heard() {
        return heard;
    }
}
