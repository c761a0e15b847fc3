package dev.broadband.agent.wire;

/** The type byte of the common header; its high bit says a MAC trails the packet. */
enum PacketType {
    DATA(1), JOIN(2), WELCOME(3), REJECT(4), NACK(5), HEARTBEAT(6), DONE(7), DONE_ACK(8), SENDER_STATUS(9), ABORT(10);

    final int code;

    PacketType(int code) {
        this.code = code;
    }

    static PacketType of(int code) throws MalformedPacketException {
        for (PacketType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        throw new MalformedPacketException("unknown packet type " + code);
    }
}
