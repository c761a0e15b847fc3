package dev.broadband.protocol.transport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/** A {@link PacketPort} that hands every call to another: the base of ports that change only a few of them. */
public abstract class ForwardingPort implements PacketPort {
    protected final PacketPort inner;

    protected ForwardingPort(PacketPort inner) {
        this.inner = inner;
    }

    @Override
    public void listenData(int port, InetAddress group) throws IOException {
        inner.listenData(port, group);
    }

    @Override
    public SocketAddress receiveData(ByteBuffer dst) throws IOException {
        return inner.receiveData(dst);
    }

    @Override
    public SocketAddress receiveControl(ByteBuffer dst) throws IOException {
        return inner.receiveControl(dst);
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
    public int dataBufferBytes() throws IOException {
        return inner.dataBufferBytes();
    }

    @Override
    public String receiveBufferShortfall() {
        return inner.receiveBufferShortfall();
    }

    @Override
    public long dataSendRefusals() {
        return inner.dataSendRefusals();
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
