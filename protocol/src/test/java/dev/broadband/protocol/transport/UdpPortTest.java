package dev.broadband.protocol.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.broadband.protocol.KernelFiles;
import java.nio.file.Path;
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
}
