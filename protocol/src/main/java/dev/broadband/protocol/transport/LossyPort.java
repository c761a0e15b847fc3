package dev.broadband.protocol.transport;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.random.RandomGenerator;

/** Drops a fraction of received datagrams, decided per datagram from a seeded generator: injected loss for tests and the demo. */
public final class LossyPort extends ForwardingPort {
    private final double dataLoss;
    private final double controlLoss;
    private final RandomGenerator random;

    public LossyPort(PacketPort inner, double dataLoss, double controlLoss, RandomGenerator random) {
        super(inner);
        this.dataLoss = dataLoss;
        this.controlLoss = controlLoss;
        this.random = random;
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
}
