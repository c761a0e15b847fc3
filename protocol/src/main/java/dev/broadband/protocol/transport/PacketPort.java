package dev.broadband.protocol.transport;

import java.io.Closeable;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * One host's sockets as the protocol sees them: a data channel (image packets and the sender's broadcast status)
 * and a control channel (joins, NACKs, heartbeats, answers). Receives never block; {@link #await} waits for the
 * next datagram, so that one thread can run a whole sender or receiver.
 */
public interface PacketPort extends Closeable {
    /** Starts hearing the session's data: broadcast on {@code port}, or the multicast {@code group} (receivers only). */
    void listenData(int port, java.net.InetAddress group) throws IOException;

    /** Receives a datagram from the data channel into {@code dst} (cleared, then flipped); null when none waits. */
    SocketAddress receiveData(ByteBuffer dst) throws IOException;

    /** Receives a datagram from the control channel into {@code dst} (cleared, then flipped); null when none waits. */
    SocketAddress receiveControl(ByteBuffer dst) throws IOException;

    /** Sends to every receiver of the session (broadcast or multicast). May block while the interface is busy. */
    void sendData(ByteBuffer packet) throws IOException;

    /**
     * How many datagrams of one size {@link #sendData(ByteBuffer, int)} hands the system in one call, and how many
     * bytes in all; 1 datagram where it sends them one by one.
     */
    default Burst dataBurst() {
        return Burst.SINGLE;
    }

    /**
     * Sends consecutive datagrams of {@code size} bytes each (the last may be shorter), at most {@link #dataBurst()}
     * of them, to every receiver; in one call where the system can.
     */
    default void sendData(ByteBuffer datagrams, int size) throws IOException {
        int end = datagrams.limit();
        for (int at = datagrams.position(); at < end; at += size) {
            sendData(datagrams.slice(at, Math.min(size, end - at)));
        }
        datagrams.position(end);
    }

    /** What one {@link #sendData(ByteBuffer, int)} takes: so many datagrams, so many bytes in all. */
    record Burst(int datagrams, int bytes) {
        public static final Burst SINGLE = new Burst(1, Integer.MAX_VALUE);
    }

    /** Sends one control datagram to one address. */
    void sendControl(ByteBuffer packet, SocketAddress to) throws IOException;

    /** Waits until a datagram may be waiting on either channel, or the time passes, or {@link #wakeup} is called. */
    void await(long nanos) throws IOException;

    /** Ends a running {@link #await} at once, from any thread. */
    void wakeup();

    /** The MTU of the interface data is received on, or 0 when unknown. */
    default int dataMtu() throws IOException {
        return 0;
    }

    /** Bytes the data channel's receive buffer holds, or 0 when it has no fixed bound. */
    default int dataBufferBytes() throws IOException {
        return 0;
    }

    /**
     * What the system granted of the receive buffer asked for, when it granted less (one line, with the setting that
     * raises it); null when it granted all or cannot tell.
     */
    default String receiveBufferShortfall() {
        return null;
    }

    /**
     * Data sends the system refused so far because the send buffer was full (the interface could not take more), or
     * -1 when this port cannot tell: its sends just wait.
     */
    default long dataSendRefusals() {
        return -1;
    }

    /** Datagrams the kernel dropped because this port's receive buffer was full, or -1 when unknown. */
    default long overflowDrops() {
        return -1;
    }
}
