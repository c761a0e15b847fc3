package dev.broadband.program.agent;

import dev.broadband.api.ImageBroadcast;
import java.io.IOException;
import java.util.Map;

/** What the agent reads of the cluster; behind an interface so that the agent's decisions are tested without one. */
public interface Cluster extends AutoCloseable {
    /** This node's labels as they are now. */
    Map<String, String> nodeLabels() throws IOException;

    /** The session key a broadcast's Secret holds. */
    byte[] sessionKey(String namespace, String secret) throws IOException;

    /** Calls back with every ImageBroadcast now and on every change, until closed. */
    void watch(Listener listener);

    /** Whether the watches run and have caught up: what the agent's readiness probe reports. */
    boolean watching();

    interface Listener {
        void changed(ImageBroadcast broadcast);

        void deleted(ImageBroadcast broadcast);

        /** The node's labels changed: a broadcast may select it now, or no longer. */
        void relabelled();
    }

    @Override
    void close();
}
