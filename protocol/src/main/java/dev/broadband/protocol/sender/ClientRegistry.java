package dev.broadband.protocol.sender;

import dev.broadband.protocol.Units;
import dev.broadband.protocol.status.ClientState;
import dev.broadband.protocol.status.ClientStatus;
import dev.broadband.protocol.session.SessionInfo;
import dev.broadband.protocol.wire.ClientPhase;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The clients that joined the session and what each last said. Owned by the sender loop. */
public final class ClientRegistry {
    private final Map<Long, Client> clients = new LinkedHashMap<>();

    private static final class Client {
        final long id;
        final String name;
        SocketAddress address;
        ClientState state = ClientState.JOINED;
        long bytesDone;
        long repairs;
        long overflowDrops = -1;
        String message = "";
        long lastHeard;
        /** The parts of its Want heard so far, and the blocks they asked for. */
        final BitSet wantParts = new BitSet();
        long blocksWanted;

        Client(long id, String name, SocketAddress address, long now) {
            this.id = id;
            this.name = name;
            this.address = address;
            this.lastHeard = now;
        }
    }

    /** What a join was: a new client, one that started again (a restarted node agent), or a repeat. */
    public enum Admission { NEW, RESTARTED, REPEATED }

    /**
     * A known client joining from another address started again from nothing: a restarted process has a new
     * socket. One dropped for silence is taken back, for it is there again.
     */
    public Admission join(long id, String name, SocketAddress address, long now) {
        Client existing = clients.get(id);
        if (existing == null) {
            clients.put(id, new Client(id, name, address, now));
            return Admission.NEW;
        }
        existing.lastHeard = now;
        if (existing.address.equals(address)) {
            return Admission.REPEATED;
        }
        existing.address = address;
        existing.overflowDrops = -1;
        existing.wantParts.clear();
        existing.blocksWanted = 0;
        if (existing.state == ClientState.DROPPED || !existing.state.isDone()) {
            existing.state = ClientState.JOINED;
            existing.bytesDone = 0;
            existing.message = "";
        }
        return Admission.RESTARTED;
    }

    public boolean knows(long id) {
        return clients.containsKey(id);
    }

    /** What a client's Want came to once all its parts were heard. */
    public record Wanted(String name, long blocks) {}

    /**
     * A part of a client's Want, asking for {@code blocks} blocks.
     * @return whether the part is news (a repeat, whose acknowledgement was lost, is not queued again)
     */
    public boolean want(long id, int part, long blocks, long now) {
        Client c = heard(id, now);
        if (c == null || c.wantParts.get(part)) {
            return false;
        }
        c.wantParts.set(part);
        c.blocksWanted += blocks;
        return true;
    }

    /** @return what the client wants in all once every one of its {@code parts} was heard, else null */
    public Wanted wanted(long id, int parts) {
        Client c = clients.get(id);
        return c != null && c.wantParts.cardinality() == parts ? new Wanted(c.name, c.blocksWanted) : null;
    }

    public void countRepairs(long id, long packets, long now) {
        Client c = heard(id, now);
        if (c != null) {
            c.repairs += packets;
        }
    }

    /** @return datagrams the client's socket dropped since its previous heartbeat (0 when unknown) */
    public long heartbeat(long id, ClientPhase phase, long bytesDone, long overflowDrops, long now) {
        Client c = heard(id, now);
        if (c == null || c.state.isDone()) {
            return 0;
        }
        c.bytesDone = bytesDone;
        c.state = switch (phase) {
            case RECEIVING -> ClientState.RECEIVING;
            case VERIFYING -> ClientState.VERIFYING;
            case SUCCEEDED -> ClientState.SUCCEEDED;
            case FAILED -> ClientState.FAILED;
        };
        long fresh = c.overflowDrops >= 0 && overflowDrops > c.overflowDrops ? overflowDrops - c.overflowDrops : 0;
        c.overflowDrops = overflowDrops;
        return fresh;
    }

    /** @return the client's name when this is the first Done heard from it, null otherwise */
    public String done(long id, boolean ok, String message, long imageSize, long now) {
        Client c = heard(id, now);
        if (c == null || c.state.isDone()) {
            return null;
        }
        c.state = ok ? ClientState.SUCCEEDED : ClientState.FAILED;
        c.message = message;
        if (ok) {
            c.bytesDone = imageSize;
        }
        return c.name;
    }

    private Client heard(long id, long now) {
        Client c = clients.get(id);
        if (c != null) {
            c.lastHeard = now;
        }
        return c;
    }

    /** Marks clients silent for longer than {@code timeout} as dropped; returns their names. */
    public List<String> dropSilent(long now, Duration timeout) {
        List<String> dropped = new ArrayList<>();
        for (Client c : clients.values()) {
            if (!c.state.isDone() && now - c.lastHeard > timeout.toNanos()) {
                c.state = ClientState.DROPPED;
                c.message = "silent for " + timeout.toSeconds() + "s";
                dropped.add(c.name + " (" + Units.formatAddress(c.address) + ")");
            }
        }
        return dropped;
    }

    /** Ends every unfinished client with a reason, e.g. when the session is aborted. */
    public void failUnfinished(String reason) {
        for (Client c : clients.values()) {
            if (!c.state.isDone()) {
                c.state = ClientState.FAILED;
                c.message = reason;
            }
        }
    }

    public int size() {
        return clients.size();
    }

    public boolean allFinished() {
        return clients.values().stream().allMatch(c -> c.state.isDone());
    }

    public boolean allSucceeded() {
        return !clients.isEmpty() && clients.values().stream().allMatch(c -> c.state == ClientState.SUCCEEDED);
    }

    /** Clients that may still ask for repairs: neither finished nor verifying what they already hold. */
    public int receiving() {
        return (int) (count(ClientState.JOINED) + count(ClientState.RECEIVING));
    }

    public long count(ClientState state) {
        return clients.values().stream().filter(c -> c.state == state).count();
    }

    /** Mean share of the image the unfinished-or-succeeded clients hold, 0..1. */
    public double meanProgress(long imageSize) {
        if (clients.isEmpty() || imageSize == 0) {
            return clients.isEmpty() ? 0 : 1;
        }
        return clients.values().stream().mapToDouble(c -> Math.min(1.0, (double) c.bytesDone / imageSize))
                .average().orElse(0);
    }

    public List<SocketAddress> unfinishedAddresses() {
        return clients.values().stream().filter(c -> !c.state.isDone()).map(c -> c.address).toList();
    }

    public List<ClientStatus> snapshot() {
        return clients.values().stream()
                .map(c -> new ClientStatus(SessionInfo.hex(c.id), c.name, Units.formatAddress(c.address),
                        c.state, c.bytesDone, c.repairs, c.message))
                .toList();
    }
}
