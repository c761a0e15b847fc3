package dev.broadband.protocol.wire;

import dev.broadband.protocol.chunk.ImageEncoding;
import dev.broadband.protocol.session.Geometry;
import dev.broadband.protocol.session.Sha256;
import dev.broadband.protocol.wire.ControlMessage.Abort;
import dev.broadband.protocol.wire.ControlMessage.Done;
import dev.broadband.protocol.wire.ControlMessage.DoneAck;
import dev.broadband.protocol.wire.ControlMessage.Heartbeat;
import dev.broadband.protocol.wire.ControlMessage.Join;
import dev.broadband.protocol.wire.ControlMessage.Nack;
import dev.broadband.protocol.wire.ControlMessage.Reject;
import dev.broadband.protocol.wire.ControlMessage.SenderStatus;
import dev.broadband.protocol.wire.ControlMessage.Want;
import dev.broadband.protocol.wire.ControlMessage.WantAck;
import dev.broadband.protocol.wire.ControlMessage.Welcome;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes and decodes broadband packets (layout in docs/protocol.md). Every packet starts with a 12-byte header:
 * magic "BB", version, type (high bit: a MAC trails the packet), session id. Data packets are read and written in
 * place, without an object per packet; control packets become {@link ControlMessage} values.
 */
public final class WireCodec {
    public static final int MAGIC = 0x4242;
    public static final int VERSION = 6;
    public static final int HEADER = 12;
    public static final int DATA_HEADER = HEADER + 12;
    /** IPv4 and UDP headers: an MTU less these is the largest datagram that crosses unfragmented. */
    private static final int IP_UDP_HEADERS = 28;
    /**
     * Largest UDP payload that fits a 1500-byte Ethernet frame without IP fragmentation: the bound of every control
     * packet, and the size of data packets where the path's MTU is not known.
     */
    public static final int MAX_DATAGRAM = largestDatagram(1500);
    /**
     * The largest MTU data datagrams fill: a 9000-byte jumbo frame's. Loopback's 64 KiB would carry more, but a
     * block's memory grows with it on both ends and the gain per datagram is already small at this size.
     */
    public static final int MAX_MTU = 9000;
    public static final int MAX_DATA_DATAGRAM = largestDatagram(MAX_MTU);
    public static final int MAX_NEEDS_PER_PACKET = 100;
    public static final int MAX_RANGES_PER_PACKET = 160;
    private static final int MAC_FLAG = 0x80;
    private static final int MAX_TEXT = 1000;

    private final PacketAuthenticator authenticator;

    /** @param authenticator null for a session without a key */
    public WireCodec(PacketAuthenticator authenticator) {
        this.authenticator = authenticator;
    }

    /** A codec with the same key for another thread (a MAC computation holds state). */
    public WireCodec copy() {
        return new WireCodec(authenticator == null ? null : authenticator.copy());
    }

    public boolean keyed() {
        return authenticator != null;
    }

    /** Bytes a packet needs beyond its header and body. */
    public int trailer() {
        return keyed() ? PacketAuthenticator.MAC_LENGTH : 0;
    }

    /** The largest image payload per data packet for a given largest datagram. */
    public int payloadFor(int maxDatagram) {
        return maxDatagram - DATA_HEADER - trailer();
    }

    /** The largest datagram that crosses a link of this MTU unfragmented. */
    public static int largestDatagram(int mtu) {
        return mtu - IP_UDP_HEADERS;
    }

    /** The datagram that carries a data packet of {@code payload} image bytes. */
    public int dataDatagram(int payload) {
        return DATA_HEADER + payload + trailer();
    }

    // ---- data packets, in place ----

    /** Writes a data header into {@code out} (cleared) and leaves its position where the payload goes. */
    public void startData(ByteBuffer out, long session, int block, int symbol, int seq) {
        out.clear();
        putHeader(out, PacketType.DATA, session);
        out.putInt(block).putShort((short) symbol).putShort((short) 0).putInt(seq);
    }

    /** Signs (when keyed) and flips a packet whose body ends at position. */
    public void finish(ByteBuffer out) {
        if (authenticator != null) {
            authenticator.sign(out);
        }
        out.flip();
    }

    public static int dataBlock(ByteBuffer packet) {
        return packet.getInt(HEADER);
    }

    public static int dataSymbol(ByteBuffer packet) {
        return Short.toUnsignedInt(packet.getShort(HEADER + 4));
    }

    public static int dataSeq(ByteBuffer packet) {
        return packet.getInt(HEADER + 8);
    }

    public static long session(ByteBuffer packet) {
        return packet.getLong(4);
    }

    /**
     * Checks magic, version and MAC of a received datagram (position 0, limit its end) and strips the MAC.
     * @return true for a data packet, false for a control packet
     */
    public boolean open(ByteBuffer packet) throws MalformedPacketException {
        if (packet.limit() < HEADER) {
            throw new MalformedPacketException("short packet (" + packet.limit() + " bytes)");
        }
        if (Short.toUnsignedInt(packet.getShort(0)) != MAGIC) {
            throw new MalformedPacketException("not a broadband packet");
        }
        if (Byte.toUnsignedInt(packet.get(2)) != VERSION) {
            throw new MalformedPacketException("protocol version " + Byte.toUnsignedInt(packet.get(2))
                    + " (this build speaks " + VERSION + ")");
        }
        int typeByte = Byte.toUnsignedInt(packet.get(3));
        boolean hasMac = (typeByte & MAC_FLAG) != 0;
        if (authenticator == null && hasMac) {
            throw new MalformedPacketException("packet carries a MAC but no key was given (use --key-file)");
        }
        if (authenticator != null && !hasMac) {
            throw new MalformedPacketException("unauthenticated packet in a keyed session");
        }
        if (authenticator != null && !authenticator.verifyAndStrip(packet)) {
            throw new MalformedPacketException("MAC check failed (wrong key, or a forged or damaged packet)");
        }
        PacketType type = PacketType.of(typeByte & ~MAC_FLAG);
        if (type == PacketType.DATA && packet.limit() <= DATA_HEADER) {
            throw new MalformedPacketException("data packet without payload");
        }
        return type == PacketType.DATA;
    }

    // ---- control packets, as values ----

    public void encode(ControlMessage message, ByteBuffer out) {
        out.clear();
        if (message instanceof Join m) {
            putHeader(out, PacketType.JOIN, m.session());
            out.putLong(m.clientId()).put((byte) (m.delta() ? 1 : 0));
            putText(out, m.name());
        } else if (message instanceof Welcome m) {
            putHeader(out, PacketType.WELCOME, m.session());
            out.putLong(m.clientId()).putLong(m.geometry().imageSize()).putShort((short) m.geometry().payloadSize())
                    .put((byte) m.geometry().blockPackets());
            putOptionalSha(out, m.sha256());
            byte[] group = m.multicastGroup() == null ? new byte[0] : m.multicastGroup().getAddress();
            out.put((byte) group.length).put(group).putShort((short) m.dataPort()).putInt(m.statusSeq())
                    .put((byte) (m.parity() ? 1 : 0));
            ImageEncoding e = m.encoding();
            if (e == null) {
                out.put((byte) 0);
            } else {
                out.put((byte) 1).putLong(e.imageBytes()).putInt(e.chunkBytes()).putInt(e.manifestBytes());
            }
            putOptionalSha(out, m.sourceSha256());
        } else if (message instanceof Reject m) {
            putHeader(out, PacketType.REJECT, m.session());
            out.putLong(m.clientId());
            putText(out, m.reason());
        } else if (message instanceof Want m) {
            putHeader(out, PacketType.WANT, m.session());
            out.putLong(m.clientId()).putInt(m.part()).putInt(m.parts());
            putRanges(out, m.ranges());
        } else if (message instanceof WantAck m) {
            putHeader(out, PacketType.WANT_ACK, m.session());
            out.putLong(m.clientId()).putInt(m.part()).putInt(m.statusSeq());
        } else if (message instanceof Nack m) {
            putHeader(out, PacketType.NACK, m.session());
            out.putLong(m.clientId());
            putNeeds(out, m.needs());
        } else if (message instanceof Heartbeat m) {
            putHeader(out, PacketType.HEARTBEAT, m.session());
            out.putLong(m.clientId()).put((byte) m.phase().ordinal()).putLong(m.bytesDone())
                    .putLong(m.overflowDrops()).putShort((short) m.lossPermille());
        } else if (message instanceof Done m) {
            putHeader(out, PacketType.DONE, m.session());
            out.putLong(m.clientId()).put((byte) (m.ok() ? 1 : 0));
            putText(out, m.message());
        } else if (message instanceof DoneAck m) {
            putHeader(out, PacketType.DONE_ACK, m.session());
            out.putLong(m.clientId());
        } else if (message instanceof SenderStatus m) {
            putHeader(out, PacketType.SENDER_STATUS, m.session());
            out.putInt(m.seq()).putInt(m.pass()).putInt(m.frontier()).put((byte) (m.idle() ? 1 : 0))
                    .putInt(m.receivers());
            putOptionalSha(out, m.sha256());
            putNeeds(out, m.queuedRepairs());
        } else if (message instanceof Abort m) {
            putHeader(out, PacketType.ABORT, m.session());
            putText(out, m.reason());
        }
        finish(out);
    }

    /** Decodes a control packet already checked by {@link #open}. */
    public ControlMessage decodeControl(ByteBuffer packet) throws MalformedPacketException {
        ByteBuffer in = packet.duplicate();
        try {
            in.position(3);
            PacketType type = PacketType.of(Byte.toUnsignedInt(in.get()) & ~MAC_FLAG);
            long session = in.getLong();
            ControlMessage message = switch (type) {
                case JOIN -> decodeJoin(session, in);
                case WANT -> decodeWant(session, in);
                case WANT_ACK -> new WantAck(session, in.getLong(), in.getInt(), in.getInt());
                case WELCOME -> decodeWelcome(session, in);
                case REJECT -> new Reject(session, in.getLong(), getText(in));
                case NACK -> new Nack(session, in.getLong(), getNeeds(in));
                case HEARTBEAT -> new Heartbeat(session, in.getLong(), phase(in.get()), in.getLong(), in.getLong(),
                        Short.toUnsignedInt(in.getShort()));
                case DONE -> new Done(session, in.getLong(), in.get() != 0, getText(in));
                case DONE_ACK -> new DoneAck(session, in.getLong());
                case SENDER_STATUS -> new SenderStatus(session, in.getInt(), in.getInt(), in.getInt(), in.get() != 0,
                        in.getInt(), getOptionalSha(in), getNeeds(in));
                case ABORT -> new Abort(session, getText(in));
                case DATA -> throw new MalformedPacketException("data packet where a control packet was expected");
            };
            if (in.hasRemaining()) {
                throw new MalformedPacketException(in.remaining() + " stray bytes after a " + type + " packet");
            }
            return message;
        } catch (BufferUnderflowException e) {
            throw new MalformedPacketException("truncated control packet");
        } catch (IllegalArgumentException e) {
            throw new MalformedPacketException("invalid control packet: " + e.getMessage());
        }
    }

    private static Welcome decodeWelcome(long session, ByteBuffer in) throws MalformedPacketException {
        long clientId = in.getLong();
        long size = in.getLong();
        int payload = Short.toUnsignedInt(in.getShort());
        int blockPackets = Byte.toUnsignedInt(in.get());
        Sha256 sha = getOptionalSha(in);
        byte[] group = new byte[Byte.toUnsignedInt(in.get())];
        in.get(group);
        InetAddress multicast = null;
        if (group.length > 0) {
            try {
                multicast = InetAddress.getByAddress(group);
            } catch (UnknownHostException e) {
                throw new MalformedPacketException("bad multicast group of " + group.length + " bytes");
            }
        }
        int port = Short.toUnsignedInt(in.getShort());
        int statusSeq = in.getInt();
        boolean parity = in.get() != 0;
        int encoded = Byte.toUnsignedInt(in.get());
        if (encoded > 1) {
            throw new MalformedPacketException("bad encoding presence flag " + encoded);
        }
        ImageEncoding encoding = encoded == 0 ? null : new ImageEncoding(in.getLong(), in.getInt(), in.getInt());
        return new Welcome(session, clientId, new Geometry(size, payload, blockPackets), sha, multicast,
                port, statusSeq, parity, encoding, getOptionalSha(in));
    }

    private static Join decodeJoin(long session, ByteBuffer in) throws MalformedPacketException {
        long clientId = in.getLong();
        boolean delta = flag(in.get());
        return new Join(session, clientId, getText(in), delta);
    }

    private static Want decodeWant(long session, ByteBuffer in) throws MalformedPacketException {
        long clientId = in.getLong();
        int part = in.getInt();
        int parts = in.getInt();
        if (parts < 1 || part < 0 || part >= parts) {
            throw new MalformedPacketException("want part " + part + " of " + parts);
        }
        int n = Short.toUnsignedInt(in.getShort());
        if (n > MAX_RANGES_PER_PACKET || n * BlockRange.WIRE_BYTES > in.remaining()) {
            throw new MalformedPacketException(n + " block ranges do not fit the packet");
        }
        List<BlockRange> ranges = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ranges.add(new BlockRange(in.getInt(), in.getInt()));
        }
        return new Want(session, clientId, part, parts, ranges);
    }

    private static void putRanges(ByteBuffer out, List<BlockRange> ranges) {
        if (ranges.size() > MAX_RANGES_PER_PACKET) {
            throw new IllegalArgumentException(ranges.size() + " block ranges do not fit one packet");
        }
        out.putShort((short) ranges.size());
        for (BlockRange range : ranges) {
            out.putInt(range.from()).putInt(range.to());
        }
    }

    private static boolean flag(byte b) throws MalformedPacketException {
        if (b != 0 && b != 1) {
            throw new MalformedPacketException("bad flag " + Byte.toUnsignedInt(b));
        }
        return b == 1;
    }

    /** A presence byte, then the 32 bytes when present. */
    private static void putOptionalSha(ByteBuffer out, Sha256 sha) {
        if (sha == null) {
            out.put((byte) 0);
        } else {
            out.put((byte) 1).put(sha.bytes());
        }
    }

    private static Sha256 getOptionalSha(ByteBuffer in) throws MalformedPacketException {
        int present = Byte.toUnsignedInt(in.get());
        if (present > 1) {
            throw new MalformedPacketException("bad sha256 presence flag " + present);
        }
        if (present == 0) {
            return null;
        }
        byte[] sha = new byte[Sha256.LENGTH];
        in.get(sha);
        return Sha256.of(sha);
    }

    private static ClientPhase phase(byte b) throws MalformedPacketException {
        int i = Byte.toUnsignedInt(b);
        if (i >= ClientPhase.values().length) {
            throw new MalformedPacketException("unknown client phase " + i);
        }
        return ClientPhase.values()[i];
    }

    private void putHeader(ByteBuffer out, PacketType type, long session) {
        out.putShort((short) MAGIC).put((byte) VERSION).put((byte) (type.code | (keyed() ? MAC_FLAG : 0)))
                .putLong(session);
    }

    private static void putText(ByteBuffer out, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int n = Math.min(bytes.length, MAX_TEXT);
        out.putShort((short) n).put(bytes, 0, n);
    }

    private static String getText(ByteBuffer in) throws MalformedPacketException {
        int n = Short.toUnsignedInt(in.getShort());
        if (n > MAX_TEXT || n > in.remaining()) {
            throw new MalformedPacketException("text field of " + n + " bytes does not fit");
        }
        byte[] bytes = new byte[n];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static void putNeeds(ByteBuffer out, List<BlockNeed> needs) {
        if (needs.size() > MAX_NEEDS_PER_PACKET) {
            throw new IllegalArgumentException(needs.size() + " block needs do not fit one packet");
        }
        out.putShort((short) needs.size());
        for (BlockNeed need : needs) {
            out.putInt(need.block()).putLong(need.mask());
        }
    }

    private static List<BlockNeed> getNeeds(ByteBuffer in) throws MalformedPacketException {
        int n = Short.toUnsignedInt(in.getShort());
        if (n > MAX_NEEDS_PER_PACKET || n * BlockNeed.WIRE_BYTES > in.remaining()) {
            throw new MalformedPacketException(n + " block needs do not fit the packet");
        }
        List<BlockNeed> needs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            needs.add(new BlockNeed(in.getInt(), in.getLong()));
        }
        return List.copyOf(needs);
    }
}
