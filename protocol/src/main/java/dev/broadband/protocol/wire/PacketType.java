package dev.broadband.protocol.wire;

/** The type byte of the common header; its high bit says a MAC trails the packet. */
enum PacketType {
    DATA(1), JOIN(2), WELCOME(3), REJECT(4), NACK(5), HEARTBEAT(6), DONE(7), DONE_ACK(8), SENDER_STATUS(9), ABORT(10),
    WANT(11), WANT_ACK(12);

    /** By code, read once: {@code values()} copies its array at every call, and this runs for every packet. */
    private static final PacketType[] BY_CODE = new PacketType[128];

    static {
        for (PacketType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    final int code;

    PacketType(int code) {
        this.code = code;
    }

    static PacketType of(int code) throws MalformedPacketException {
        PacketType type = code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
        if (type == null) {
            throw new MalformedPacketException("unknown packet type " + code);
        }
        return type;
    }
}
