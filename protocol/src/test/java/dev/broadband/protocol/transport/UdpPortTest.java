package dev.broadband.protocol.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.broadband.protocol.KernelFiles;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class UdpPortTest {
    @Test
    void aReceiverSaysWhenTheKernelGrantsLessBufferThanItAskedForAndHowToRaiseIt() throws Exception {
        Path rmemMax = Path.of("/proc/sys/net/core/rmem_max");
        long cap = Long.parseLong(KernelFiles.firstLine(rmemMax));
        try (UdpPort port = UdpPort.forReceiver(null)) {
            assertThat(port.receiveBufferShortfall()).as("nothing to say before the data socket exists").isNull();
            port.listenData(0, null);
            String shortfall = port.receiveBufferShortfall();
            if (cap < 32 << 20) {
                assertThat(shortfall).contains("net.core.rmem_max").contains("sysctl -w net.core.rmem_max=33554432");
            } else {
                assertThat(shortfall).isNull();
            }
        }
    }

    /**
     * Eleven datagrams in one call (ten of 1000 bytes, one of 300), then a lone one longer than those: whether the
     * kernel cuts them (segmentation offload) or they go one by one, the receiver gets each whole, in order.
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void datagramsHandedOverTogetherArriveOneByOneWhole(boolean segment) throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (DatagramChannel receiver = DatagramChannel.open(StandardProtocolFamily.INET)) {
            receiver.bind(new InetSocketAddress(loopback, 0));
            try (UdpPort sender = UdpPort.forSender(loopback, 0, (InetSocketAddress) receiver.getLocalAddress(), null,
                    segment)) {
                assertThat(sender.dataPath()).isEqualTo(segment
                        ? "datagrams go out up to 64 per system call (UDP segmentation offload)"
                        : "datagrams go out one per system call, as asked");
                assertThat(sender.dataBurst().datagrams()).isEqualTo(segment ? 64 : 1);
                ByteBuffer together = ByteBuffer.allocateDirect(10 * 1000 + 300);
                for (int i = 0; i < 11; i++) {
                    for (int b = 0; b < (i < 10 ? 1000 : 300); b++) {
                        together.put((byte) i);
                    }
                }
                sender.sendData(together.flip(), 1000);
                // Built on the heap, and longer than the segments before it: it must not be cut.
                sender.sendData(ByteBuffer.wrap(new byte[1200]));
            }
            List<Integer> lengths = new ArrayList<>();
            ByteBuffer in = ByteBuffer.allocate(65536);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            receiver.configureBlocking(false);
            while (lengths.size() < 12 && System.nanoTime() < deadline) {
                in.clear();
                if (receiver.receive(in) == null) {
                    Thread.sleep(1);
                    continue;
                }
                in.flip();
                int index = lengths.size();
                lengths.add(in.remaining());
                byte expected = index < 11 ? (byte) index : 0;
                while (in.hasRemaining()) {
                    assertThat(in.get()).as("byte of datagram %d", index).isEqualTo(expected);
                }
            }
            List<Integer> want = new ArrayList<>(java.util.Collections.nCopies(10, 1000));
            want.add(300);
            want.add(1200);
            assertThat(lengths).isEqualTo(want);
        }
    }
}
