package dev.broadband.protocol;

import java.util.concurrent.ThreadFactory;

/** Threads that work for a session and never keep the JVM alive after it: a failed session must still exit. */
public final class Daemons {
    private Daemons() {}

    /** Every thread it makes is a daemon named {@code name}, so a thread dump says what each one is for. */
    public static ThreadFactory named(String name) {
        return task -> {
            Thread t = new Thread(task, name);
            t.setDaemon(true);
            return t;
        };
    }
}
