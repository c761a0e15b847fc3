package dev.broadband.protocol.transport;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.Socket;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.locks.LockSupport;

/**
 * The sender's data socket on Linux, through Netty's native transport: it hands the kernel up to
 * {@link #MAX_SEGMENTS} datagrams of one size in one call (UDP segmentation offload, {@code UDP_SEGMENT}), which
 * Java's own sockets cannot. Measured on the namespace segment, a 1472-byte datagram costs a tenth of what one
 * {@code sendto} each costs, and the segment's wire sees the same datagrams.
 */
final class SegmentingSocket implements Closeable {
    /** The kernel's UDP_MAX_SEGMENTS before Linux 6.9 raised it. */
    static final int MAX_SEGMENTS = 64;
    /** What one send may carry: an IPv4 datagram holds at most 65507 bytes of UDP payload. */
    static final int MAX_BYTES = 65_000;
    private static final int SOL_UDP = 17;
    private static final int UDP_SEGMENT = 103;
    private static final int IPPROTO_IP = 0;
    private static final int IP_MULTICAST_IF = 32;
    private static final int IP_MULTICAST_TTL = 33;
    private static final int IP_MULTICAST_LOOP = 34;
    /**
     * How long to wait when the socket's send buffer is full, before trying again; each refusal in a row doubles it,
     * up to {@link #FULL_WAIT_MAX_NANOS}. A full buffer holds milliseconds of a 1 Gbit/s link: retried every 20 us,
     * an unpaced sender spent a core's share on refusals that its receivers, on the same cores, lacked.
     */
    private static final long FULL_WAIT_NANOS = 20_000;
    private static final long FULL_WAIT_MAX_NANOS = 1_000_000;

    private final Socket socket;
    /** Where a datagram built on the heap is copied: the native send reads only direct memory. */
    private final ByteBuffer direct = ByteBuffer.allocateDirect(MAX_BYTES);
    private final InetAddress to;
    private final int port;
    /** The segment size set on the socket; 0 for none, each send one datagram. */
    private int segment;
    /** Sends the kernel refused for want of send buffer: the interface could not take more. */
    private long refusals;

    private SegmentingSocket(Socket socket, InetSocketAddress destination) {
        this.socket = socket;
        this.to = destination.getAddress();
        this.port = destination.getPort();
    }

    /**
     * A socket bound to {@code bind} (the wildcard when null) that sends to {@code destination}, a broadcast address
     * or a multicast group (then out of {@code multicastInterface}, when given).
     * @throws IOException saying why, where the native transport does not load or the kernel lacks UDP_SEGMENT
     */
    static SegmentingSocket open(InetAddress bind, InetSocketAddress destination, NetworkInterface multicastInterface,
                                 int sendBuffer) throws IOException {
        try {
            if (!Epoll.isAvailable()) {
                throw new IOException("Netty's native transport did not load: " + Epoll.unavailabilityCause());
            }
        } catch (LinkageError e) {
            throw new IOException("Netty's native transport did not load: " + e);
        }
        Socket socket = Ipv4.open();
        try {
            socket.setBroadcast(true);
            socket.setSendBufferSize(sendBuffer);
            if (destination.getAddress().isMulticastAddress()) {
                if (multicastInterface != null) {
                    // struct ip_mreqn: group and address left 0, the interface by index.
                    ByteBuffer mreqn = ByteBuffer.allocateDirect(12).order(ByteOrder.nativeOrder());
                    mreqn.putInt(8, multicastInterface.getIndex());
                    socket.setRawOpt(IPPROTO_IP, IP_MULTICAST_IF, mreqn);
                }
                socket.setIntOpt(IPPROTO_IP, IP_MULTICAST_TTL, 1);
                socket.setIntOpt(IPPROTO_IP, IP_MULTICAST_LOOP, 1);
            }
            // Refused where the kernel has no UDP_SEGMENT (before Linux 4.18).
            socket.setIntOpt(SOL_UDP, UDP_SEGMENT, 0);
            socket.bind(new InetSocketAddress(bind, 0));
            return new SegmentingSocket(socket, destination);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * Sends {@code datagrams}, consecutive datagrams of {@code size} bytes each but the last, which may be shorter;
     * waits while the socket's send buffer is full.
     */
    void send(ByteBuffer datagrams, int size) throws IOException {
        if (!datagrams.isDirect()) {
            direct.clear();
            direct.put(datagrams).flip();
            send(direct, size);
            return;
        }
        int length = datagrams.remaining();
        if (length > size) {
            segmentSize(size);
        } else if (segment != 0 && length > segment) {
            segmentSize(0);
        }
        for (long wait = FULL_WAIT_NANOS; socket.sendTo(datagrams, datagrams.position(), datagrams.limit(), to, port) == 0;
             wait = Math.min(FULL_WAIT_MAX_NANOS, 2 * wait)) {
            refusals++;
            LockSupport.parkNanos(wait);
        }
        datagrams.position(datagrams.limit());
    }

    /** Sends refused so far because the send buffer was full. */
    long refusals() {
        return refusals;
    }

    private void segmentSize(int size) throws IOException {
        if (size != segment) {
            socket.setIntOpt(SOL_UDP, UDP_SEGMENT, size);
            segment = size;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** Netty opens a dual-stack socket by default; the session is IPv4, and so are its multicast options. */
    private static final class Ipv4 extends Socket {
        private Ipv4(int fd) {
            super(fd);
        }

        static Socket open() {
            return new Ipv4(newSocketDgram0(false));
        }
    }
}
