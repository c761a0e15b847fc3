package dev.broadband.protocol.transport;

import dev.broadband.protocol.KernelFiles;
import dev.broadband.protocol.Units;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** {@link PacketPort} over real UDP sockets (IPv4). */
public final class UdpPort implements PacketPort {
    /** Large enough to ride out a scheduling hiccup at line rate; the kernel caps it at net.core.rmem_max. */
    private static final int RECEIVE_BUFFER = 32 << 20;
    private static final int SEND_BUFFER = 4 << 20;
    /**
     * Smaller where each entry is up to 64 datagrams: a full buffer must block the sender before it overfills the
     * interface's queue, which drops a segmented send whole (with 4 MiB, a 1 Gbit/s shaper's 3 MB queue lost runs of
     * 44 datagrams and the rate backed off from loss nobody's receive buffer saw).
     */
    private static final int SEGMENTED_SEND_BUFFER = 1 << 20;

    private final Selector selector;
    private final DatagramChannel control;
    private DatagramChannel data;
    /** The sender's data socket where the kernel takes many datagrams per call; null where it does not. */
    private SegmentingSocket segmenting;
    private boolean segments;
    private String dataPath;
    private SocketAddress dataDestination;
    private static final Path RMEM_MAX = Path.of("/proc/sys/net/core/rmem_max");
    private final SocketDrops drops = new SocketDrops();
    private NetworkInterface receiveInterface;

    private UdpPort(DatagramChannel control) throws IOException {
        this.selector = Selector.open();
        this.control = control;
        control.configureBlocking(false);
        control.register(selector, SelectionKey.OP_READ);
    }

    /**
     * The sender's sockets: control and NACKs heard on {@code controlPort} of {@code bind} (the wildcard when null),
     * data sent to {@code destination}, a broadcast address or a multicast group (then out of {@code multicastInterface}),
     * many datagrams per system call where the kernel takes them so and {@code segment} allows it.
     */
    public static UdpPort forSender(InetAddress bind, int controlPort, InetSocketAddress destination,
                                    NetworkInterface multicastInterface, boolean segment) throws IOException {
        DatagramChannel control = DatagramChannel.open(StandardProtocolFamily.INET);
        control.setOption(StandardSocketOptions.SO_RCVBUF, RECEIVE_BUFFER);
        control.bind(new InetSocketAddress(bind, controlPort));
        UdpPort port = new UdpPort(control);
        port.dataDestination = destination;
        if (segment && port.openSegmenting(bind, multicastInterface)) {
            return port;
        }
        if (!segment) {
            port.dataPath = "datagrams go out one per system call, as asked";
        }
        DatagramChannel data = DatagramChannel.open(StandardProtocolFamily.INET);
        data.setOption(StandardSocketOptions.SO_BROADCAST, true);
        data.setOption(StandardSocketOptions.SO_SNDBUF, SEND_BUFFER);
        if (destination.getAddress().isMulticastAddress()) {
            if (multicastInterface != null) {
                data.setOption(StandardSocketOptions.IP_MULTICAST_IF, multicastInterface);
            }
            data.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 1);
            data.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, true);
        }
        data.bind(new InetSocketAddress(bind, 0));
        port.data = data;
        return port;
    }

    /** Opens the data socket that takes many datagrams per call; false, saying why in the data path, where none opens. */
    private boolean openSegmenting(InetAddress bind, NetworkInterface multicastInterface) {
        try {
            segmenting = SegmentingSocket.open(bind, (InetSocketAddress) dataDestination, multicastInterface,
                    SEGMENTED_SEND_BUFFER);
            segments = true;
            dataPath = "datagrams go out up to " + SegmentingSocket.MAX_SEGMENTS + " per system call (UDP segmentation"
                    + " offload)";
            return true;
        } catch (IOException e) {
            dataPath = "datagrams go out one per system call: " + e.getMessage();
            return false;
        }
    }

    /**
     * A receiver's control socket (an ephemeral port); {@link #listenData} follows once the session is known.
     * @param nic the interface to join a multicast group on; null to pick the one toward the server, or loopback
     */
    public static UdpPort forReceiver(NetworkInterface nic) throws IOException {
        DatagramChannel control = DatagramChannel.open(StandardProtocolFamily.INET);
        control.bind(new InetSocketAddress(0));
        UdpPort port = new UdpPort(control);
        port.receiveInterface = nic;
        return port;
    }

    @Override
    public void listenData(int port, InetAddress group) throws IOException {
        if (data != null) {
            return;
        }
        NetworkInterface nic = receiveInterface;
        DatagramChannel channel = DatagramChannel.open(StandardProtocolFamily.INET);
        // Several receivers on one host (the demo) share the port.
        channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        channel.setOption(StandardSocketOptions.SO_RCVBUF, RECEIVE_BUFFER);
        channel.bind(new InetSocketAddress(port));
        if (group != null) {
            channel.join(group, nic != null ? nic : defaultMulticastInterface());
        }
        channel.configureBlocking(false);
        channel.register(selector, SelectionKey.OP_READ);
        data = channel;
        drops.watch(port);
    }

    private static NetworkInterface defaultMulticastInterface() throws IOException {
        NetworkInterface lo = NetworkInterface.getByName("lo");
        if (lo == null) {
            throw new IOException("no interface to join the multicast group on: give --interface");
        }
        return lo;
    }

    @Override
    public int dataBufferBytes() throws IOException {
        return data == null ? 0 : data.getOption(StandardSocketOptions.SO_RCVBUF);
    }

    /** The interface this host would reach {@code server} through; null when the route names none. */
    public static NetworkInterface interfaceToward(InetSocketAddress server) throws IOException {
        try (DatagramChannel probe = DatagramChannel.open(StandardProtocolFamily.INET)) {
            probe.connect(server);
            return NetworkInterface.getByInetAddress(((InetSocketAddress) probe.getLocalAddress()).getAddress());
        }
    }

    @Override
    public int dataMtu() throws IOException {
        return receiveInterface == null ? 0 : Math.max(0, receiveInterface.getMTU());
    }

    @Override
    public SocketAddress receiveData(ByteBuffer dst) throws IOException {
        if (data == null || data.isBlocking()) {
            return null;
        }
        dst.clear();
        SocketAddress from = data.receive(dst);
        dst.flip();
        return from;
    }

    @Override
    public SocketAddress receiveControl(ByteBuffer dst) throws IOException {
        dst.clear();
        SocketAddress from = control.receive(dst);
        dst.flip();
        return from;
    }

    @Override
    public void sendData(ByteBuffer packet) throws IOException {
        if (segmenting != null) {
            segmenting.send(packet, packet.remaining());
        } else {
            data.send(packet, dataDestination);
        }
    }

    @Override
    public Burst dataBurst() {
        return segments ? new Burst(SegmentingSocket.MAX_SEGMENTS, SegmentingSocket.MAX_BYTES) : Burst.SINGLE;
    }

    @Override
    public void sendData(ByteBuffer datagrams, int size) throws IOException {
        if (!segments) {
            PacketPort.super.sendData(datagrams, size);
            return;
        }
        int start = datagrams.position();
        try {
            segmenting.send(datagrams, size);
        } catch (IOException e) {
            // An interface that cannot checksum for the kernel (EIO), say: the same datagrams one by one still go.
            segments = false;
            dataPath = "datagrams go out one per system call: the kernel refused them " + SegmentingSocket.MAX_SEGMENTS
                    + " at a time (" + e.getMessage() + ")";
            PacketPort.super.sendData(datagrams.position(start), size);
        }
    }

    /** How the sender's datagrams reach the kernel, for its log; null for a receiver. */
    public String dataPath() {
        return dataPath;
    }

    @Override
    public void sendControl(ByteBuffer packet, SocketAddress to) throws IOException {
        control.send(packet, to);
    }

    @Override
    public void await(long nanos) throws IOException {
        if (nanos <= 0) {
            selector.selectNow();
        } else {
            // Rounded up: a wait shorter than a millisecond must not turn into a busy loop.
            selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos + 999_999)));
        }
        selector.selectedKeys().clear();
    }

    @Override
    public void wakeup() {
        selector.wakeup();
    }

    @Override
    public String receiveBufferShortfall() {
        long cap = rmemMax();
        if (data == null || cap < 0 || cap >= RECEIVE_BUFFER) {
            return null;
        }
        return String.format("the kernel caps socket receive buffers at %s (net.core.rmem_max), below the %s asked for:"
                        + " a pause of this receiver longer than about %d ms at 1 Gbit/s loses packets; raise the cap with"
                        + " 'sysctl -w net.core.rmem_max=%d'", Units.formatBytes(cap), Units.formatBytes(RECEIVE_BUFFER),
                cap * 8 / 1_000_000, RECEIVE_BUFFER);
    }

    /** Linux's cap on what SO_RCVBUF may ask for; -1 elsewhere. */
    private static long rmemMax() {
        try {
            return Long.parseLong(KernelFiles.firstLine(RMEM_MAX));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    @Override
    public long dataSendRefusals() {
        return segmenting != null ? segmenting.refusals() : -1;
    }

    @Override
    public long overflowDrops() {
        return drops.read();
    }

    @Override
    public void close() throws IOException {
        selector.close();
        control.close();
        if (data != null) {
            data.close();
        }
        if (segmenting != null) {
            segmenting.close();
        }
    }
}
