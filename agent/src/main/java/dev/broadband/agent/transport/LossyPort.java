package dev.broadband.agent.transport;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.random.RandomGenerator;

/** Drops a fraction of received datagrams, decided per datagram from a seeded generator: injected loss for tests and the demo. */
public final class LossyPort implements PacketPort {
    private final PacketPort inner;
    private final double dataLoss;
    private final double controlLoss;
    private final RandomGenerator random;

    public LossyPort(PacketPort inner, double dataLoss, double controlLoss, RandomGenerator random) {
        this.inner = inner;
        this.dataLoss = dataLoss;
        this.controlLoss = controlLoss;
        this.random = random;
    }

    @Override
    public void listenData(int port, java.net.InetAddress group) throws IOException {
        inner.listenData(port, group);
    }

    @Override
    public SocketAddress receiveData(ByteBuffer dst) throws IOException {
        SocketAddress from;
        do {
            from = inner.receiveData(dst);
        } while (from != null && random.nextDouble() < dataLoss);
        return from;
    }

    @Override
    public SocketAddress receiveControl(ByteBuffer dst) throws IOException {
        SocketAddress from;
        do {
            from = inner.receiveControl(dst);
        } while (from != null && random.nextDouble() < controlLoss);
        return from;
    }

    @Override
    public void sendData(ByteBuffer packet) throws IOException {
        inner.sendData(packet);
    }

    @Override
    public void sendControl(ByteBuffer packet, SocketAddress to) throws IOException {
        inner.sendControl(packet, to);
    }

    @Override
    public void await(long nanos) throws IOException {
        inner.await(nanos);
    }

    @Override
    public void wakeup() {
        inner.wakeup();
    }

    @Override
    public long overflowDrops() {
        return inner.overflowDrops();
    }

    @Override
    public void close() throws IOException {
        inner.close();
    }
}
