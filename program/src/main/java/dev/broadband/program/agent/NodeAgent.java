package dev.broadband.program.agent;

import dev.broadband.api.ImageBroadcast;
import dev.broadband.protocol.receiver.Client;
import dev.broadband.protocol.receiver.ClientConfig;
import dev.broadband.protocol.receiver.ClientResult;
import dev.broadband.protocol.receiver.ProgressListener;
import dev.broadband.protocol.sink.PartitionTable;
import dev.broadband.protocol.transport.UdpPort;
import dev.broadband.protocol.wire.PacketAuthenticator;
import dev.broadband.protocol.wire.WireCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node agent: for every broadcast that asks this node for an image ({@link Selection}), one client joins the
 * sender's session as this node and writes the device through the {@link DeviceGuard}; its result, or its refusal,
 * reaches the sender and through it the broadcast's status. One broadcast per device at a time; a session this
 * process finished is not joined again. It leaves a session whose broadcast was deleted or no longer selects it.
 */
public final class NodeAgent implements Cluster.Listener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger("broadband.agent");
    private static final Duration SERVER_TIMEOUT = Duration.ofSeconds(30);

    private final String node;
    private final Cluster cluster;
    private final DeviceGuard guard;
    private final Path rebootSentinel;
    private final Map<String, Reception> running = new HashMap<>();
    private final Map<Path, String> deviceTakenBy = new HashMap<>();
    private final Map<String, ImageBroadcast> known = new HashMap<>();
    private final Set<String> finishedSessions = new HashSet<>();
    private final Set<String> waitingLogged = new HashSet<>();

    /** @param rebootSentinel the host's reboot-required file, which kured watches */
    public NodeAgent(String node, Cluster cluster, DeviceGuard guard, Path rebootSentinel) {
        this.node = node;
        this.cluster = cluster;
        this.guard = guard;
        this.rebootSentinel = rebootSentinel;
    }

    public void start() {
        log.info("agent on node {}: watching ImageBroadcasts", node);
        cluster.watch(this);
    }

    @Override
    public synchronized void changed(ImageBroadcast broadcast) {
        String id = broadcast.getMetadata().getNamespace() + "/" + broadcast.getMetadata().getName();
        known.put(id, broadcast);
        Optional<Assignment> wanted;
        try {
            wanted = Selection.of(broadcast, node, cluster.nodeLabels());
        } catch (IOException e) {
            log.warn("node {}: {}", node, e.getMessage());
            return;
        }
        Reception current = running.get(id);
        if (current != null) {
            if (wanted.isEmpty() || !wanted.get().session().equals(current.assignment.session())) {
                // The broadcast no longer asks this (a relabelled node, a finished or restarted sender).
                current.leave("broadcast " + id + " no longer asks node " + node + " for session "
                        + current.assignment.session());
            }
            return;
        }
        if (wanted.isEmpty() || finishedSessions.contains(wanted.get().session())) {
            return;
        }
        Assignment a = wanted.get();
        String holder = deviceTakenBy.get(a.device());
        if (holder != null) {
            if (waitingLogged.add(id)) {
                log.info("node {}: broadcast {} waits: {} is being written by broadcast {}", node, id, a.device(),
                        holder);
            }
            return;
        }
        join(id, a);
    }

    @Override
    public synchronized void deleted(ImageBroadcast broadcast) {
        String id = broadcast.getMetadata().getNamespace() + "/" + broadcast.getMetadata().getName();
        known.remove(id);
        Reception current = running.get(id);
        if (current != null) {
            current.leave("broadcast " + id + " was deleted");
        }
    }

    @Override
    public synchronized void relabelled() {
        reconsiderAll();
    }

    private void reconsiderAll() {
        for (ImageBroadcast b : Set.copyOf(known.values())) {
            changed(b);
        }
    }

    private void join(String id, Assignment a) {
        PacketAuthenticator key;
        try {
            key = a.keySecret() == null ? null : new PacketAuthenticator(cluster.sessionKey(a.keyNamespace(), a.keySecret()));
        } catch (IOException e) {
            log.error("node {}: cannot join broadcast {}: {}", node, id, e.getMessage());
            return;
        }
        UdpPort port;
        try {
            port = UdpPort.forReceiver(UdpPort.interfaceToward(a.sender()));
        } catch (IOException e) {
            log.error("node {}: cannot open a socket for broadcast {}: {}", node, id, e.getMessage());
            return;
        }
        log.info("node {}: joining broadcast {} (session {}) at {} to {} {}", node, id, a.session(),
                a.sender().getAddress().getHostAddress() + ":" + a.sender().getPort(),
                a.dryRun() ? "check, in a dry run," : "write", a.device());
        ClientConfig config = new ClientConfig(a.sender(), node, a.expectedSha256(), null, SERVER_TIMEOUT,
                ClientConfig.DEFAULT_BUFFER_BYTES, ClientConfig.stableId(node), a.dryRun(), a.delta());
        Client client = new Client(port, new WireCodec(key), config, guard.sinkFor(a.device()), ProgressListener.NONE);
        Reception reception = new Reception(id, a, port, client);
        running.put(id, reception);
        deviceTakenBy.put(a.device(), id);
        waitingLogged.remove(id);
        reception.thread.start();
    }

    private synchronized void ended(Reception r, ClientResult result, String error) {
        running.remove(r.id);
        deviceTakenBy.remove(r.assignment.device());
        if (r.leaving != null) {
            log.info("node {}: left broadcast {}: {}", node, r.id, r.leaving);
        } else if (error != null) {
            log.error("node {}: broadcast {} on {}: {}", node, r.id, r.assignment.device(), error);
        } else if (result.ok()) {
            finishedSessions.add(r.assignment.session());
            log.info("node {}: broadcast {}: {} {}", node, r.id, r.assignment.device(), result.message());
            if (!r.assignment.dryRun()) {
                String notReread = PartitionTable.reread(r.assignment.device());
                if (notReread != null) {
                    log.warn("node {}: {}; the new partitions appear after a reboot", node, notReread);
                }
                if (r.assignment.reboot()) {
                    askForReboot(r.id);
                }
            }
        } else {
            finishedSessions.add(r.assignment.session());
            log.error("node {}: broadcast {} failed on {}: {}", node, r.id, r.assignment.device(), result.message());
        }
        // Another broadcast may have waited for this device.
        reconsiderAll();
    }

    /** kured drains and reboots nodes one at a time while this file exists; it removes it after the reboot. */
    private void askForReboot(String id) {
        try {
            Files.writeString(rebootSentinel, "broadband: " + id + " wrote this node's disk\n");
            log.info("node {}: asked for a reboot into the new image through {} (kured drains and reboots the"
                    + " nodes one at a time)", node, rebootSentinel);
        } catch (IOException e) {
            log.error("node {}: the image is written and verified, but the reboot it asked for cannot be requested:"
                    + " writing {} failed: {}; reboot the node by hand", node, rebootSentinel, e.getMessage());
        }
    }

    @Override
    public synchronized void close() {
        for (Reception r : Set.copyOf(running.values())) {
            r.leave("the agent is stopping");
        }
        cluster.close();
    }

    /** One client's session, on a thread of its own. */
    private final class Reception {
        final String id;
        final Assignment assignment;
        final UdpPort port;
        final Thread thread;
        volatile String leaving;

        Reception(String id, Assignment assignment, UdpPort port, Client client) {
            this.id = id;
            this.assignment = assignment;
            this.port = port;
            this.thread = new Thread(() -> {
                ClientResult result = null;
                String error = null;
                try (port) {
                    result = client.run();
                } catch (IOException | RuntimeException e) {
                    error = e.getMessage() != null ? e.getMessage() : e.toString();
                }
                ended(this, result, error);
            }, "broadcast " + id);
            thread.setDaemon(true);
        }

        /** Closing the socket ends the client's loop at once, whatever it waits for. */
        void leave(String why) {
            leaving = why;
            try {
                port.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
