package dev.broadband.protocol.transport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A broadcast segment in memory, for fast protocol tests: every port's data reaches every listening port, control
 * datagrams reach the port bound to their address. Inboxes are bounded like socket buffers: a datagram that finds
 * its inbox full is dropped and counted, as the kernel does.
 */
public final class MemoryNetwork {
    private final int inboxLimit;
    private final Map<SocketAddress, Port> byAddress = new ConcurrentHashMap<>();
    private final List<Port> listening = new CopyOnWriteArrayList<>();
    private final java.util.Set<SocketAddress> silenced = ConcurrentHashMap.newKeySet();
    private int nextHost = 1;

    public MemoryNetwork(int inboxLimit) {
        this.inboxLimit = inboxLimit;
    }

    public static InetSocketAddress address(int host, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByAddress(new byte[] {10, 99, (byte) (host >> 8), (byte) host}), port);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** From now on, nothing sent by the port at {@code address} arrives anywhere: a host that vanished. */
    public void silence(SocketAddress address) {
        silenced.add(address);
    }

    /** A port whose control channel is bound to {@code controlAddress}. */
    public synchronized Port open(InetSocketAddress controlAddress) {
        Port port = new Port(controlAddress);
        byAddress.put(controlAddress, port);
        return port;
    }

    /** A port on a new host, with an ephemeral control address. */
    public synchronized Port open() {
        return open(address(1000 + nextHost++, 40000));
    }

    private record Datagram(byte[] bytes, SocketAddress from) {}

    public final class Port implements PacketPort {
        private final InetSocketAddress address;
        private final ArrayDeque<Datagram> data = new ArrayDeque<>();
        private final ArrayDeque<Datagram> control = new ArrayDeque<>();
        private long overflow;
        private boolean woken;
        private boolean listens;

        private Port(InetSocketAddress address) {
            this.address = address;
        }

        @Override
        public void listenData(int port, InetAddress group) {
            if (!listens) {
                listens = true;
                listening.add(this);
            }
        }

        private synchronized void deliver(ArrayDeque<Datagram> inbox, byte[] bytes, SocketAddress from) {
            if (inbox.size() >= inboxLimit) {
                overflow++;
                return;
            }
            inbox.add(new Datagram(bytes, from));
            notifyAll();
        }

        private synchronized SocketAddress take(ArrayDeque<Datagram> inbox, ByteBuffer dst) {
            Datagram d = inbox.poll();
            dst.clear();
            if (d == null) {
                dst.flip();
                return null;
            }
            dst.put(d.bytes()).flip();
            return d.from();
        }

        private static byte[] copy(ByteBuffer packet) {
            byte[] bytes = new byte[packet.remaining()];
            packet.get(bytes);
            return bytes;
        }

        @Override
        public SocketAddress receiveData(ByteBuffer dst) {
            return take(data, dst);
        }

        @Override
        public SocketAddress receiveControl(ByteBuffer dst) {
            return take(control, dst);
        }

        @Override
        public void sendData(ByteBuffer packet) {
            byte[] bytes = copy(packet);
            if (silenced.contains(address)) {
                return;
            }
            for (Port p : listening) {
                if (p != this) {
                    p.deliver(p.data, bytes, address);
                }
            }
        }

        @Override
        public void sendControl(ByteBuffer packet, SocketAddress to) {
            byte[] bytes = copy(packet);
            if (silenced.contains(address)) {
                return;
            }
            Port p = byAddress.get(to);
            if (p != null) {
                p.deliver(p.control, bytes, address);
            }
        }

        @Override
        public synchronized void await(long nanos) throws IOException {
            if (!data.isEmpty() || !control.isEmpty() || woken || nanos <= 0) {
                woken = false;
                return;
            }
            try {
                wait(nanos / 1_000_000, (int) (nanos % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
            woken = false;
        }

        @Override
        public synchronized void wakeup() {
            woken = true;
            notifyAll();
        }

        @Override
        public synchronized long overflowDrops() {
            return overflow;
        }

        @Override
        public void close() {
            listening.remove(this);
            byAddress.remove(address);
        }
    }
}
