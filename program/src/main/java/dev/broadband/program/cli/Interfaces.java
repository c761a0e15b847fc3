package dev.broadband.program.cli;

import dev.broadband.protocol.wire.WireCodec;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;

/** Finds the network interface a session runs on, and how large a datagram may be there without fragmenting. */
final class Interfaces {

    private Interfaces() {}

    /** The interface named, or holding the address given; a clear error when there is none. */
    static NetworkInterface byNameOrAddress(String spec) throws IOException {
        NetworkInterface nic = NetworkInterface.getByName(spec);
        if (nic == null) {
            try {
                nic = NetworkInterface.getByInetAddress(InetAddress.getByName(spec));
            } catch (IOException e) {
                nic = null;
            }
        }
        if (nic == null) {
            throw new IOException("no network interface named or holding the address '" + spec + "' (see 'ip addr')");
        }
        return nic;
    }

    /** The interface whose IPv4 broadcast address is {@code broadcast}, or null. */
    static NetworkInterface withBroadcast(InetAddress broadcast) throws SocketException {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InterfaceAddress a : nic.getInterfaceAddresses()) {
                if (broadcast.equals(a.getBroadcast())) {
                    return nic;
                }
            }
        }
        return null;
    }

    static Inet4Address ipv4Of(NetworkInterface nic) throws IOException {
        for (InetAddress a : Collections.list(nic.getInetAddresses())) {
            if (a instanceof Inet4Address v4) {
                return v4;
            }
        }
        throw new IOException("interface " + nic.getName() + " has no IPv4 address");
    }

    /**
     * The largest data datagram that crosses {@code nic} unfragmented, at most a jumbo frame's; a 1500-byte frame's
     * when the interface is not known.
     */
    static int maxDatagram(NetworkInterface nic) throws SocketException {
        if (nic == null || nic.getMTU() <= 0) {
            return WireCodec.MAX_DATAGRAM;
        }
        return Math.min(WireCodec.MAX_DATA_DATAGRAM, WireCodec.largestDatagram(nic.getMTU()));
    }
}
