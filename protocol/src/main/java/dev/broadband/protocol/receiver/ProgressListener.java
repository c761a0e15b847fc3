package dev.broadband.protocol.receiver;

/** Hears how far a client is, a few times a second. */
public interface ProgressListener {
    /** @param phase "receiving" or "verifying" */
    void progress(String phase, long done, long total);

    /** The server answered and the session begins: whatever the client did while it waited may stop. */
    default void joined() {}

    /** The client ended; a listener drawing on a terminal closes its line. */
    default void finished() {}

    ProgressListener NONE = (phase, done, total) -> {};
}
