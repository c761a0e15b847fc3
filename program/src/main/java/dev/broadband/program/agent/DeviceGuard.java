package dev.broadband.program.agent;

import dev.broadband.protocol.Units;
import dev.broadband.protocol.receiver.SinkFactory;
import dev.broadband.protocol.sink.BlockDevices;
import dev.broadband.protocol.sink.DeviceCheck;
import dev.broadband.protocol.sink.FileSink;
import dev.broadband.protocol.sink.Sink;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;

/**
 * What the agent may write: only block devices that the chart's allow-list names (by the path the broadcast gives,
 * or by the device it leads to), and of those only what passes {@link DeviceCheck} with the host's view of mounts.
 * Each refusal is the message that reaches the sender, and through it the broadcast's status.
 */
public final class DeviceGuard {
    private final List<String> allowed;
    private final List<PathMatcher> matchers;
    private final BlockDevices devices;
    private final DeviceCheck inUse;
    private final String node;

    /** @param allowed globs such as /dev/sd[b-z]; empty allows nothing */
    public DeviceGuard(List<String> allowed, BlockDevices devices, String node) {
        this.allowed = List.copyOf(allowed);
        this.matchers = allowed.stream().map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g)).toList();
        this.devices = devices;
        this.inUse = new DeviceCheck(devices);
        this.node = node;
    }

    /** Refuses before a byte is written; the checks run when the sender has said how large the image is. */
    public SinkFactory sinkFor(Path device) {
        return new SinkFactory() {
            @Override
            public Sink open(long imageBytes, long bufferBytes) throws IOException {
                check(device);
                return FileSink.open(device, imageBytes, inUse, true);
            }

            @Override
            public String dryRun(long imageBytes) throws IOException {
                check(device);
                inUse.check(device, imageBytes);
                return "dry run: would write " + Units.formatBytes(imageBytes) + " (" + imageBytes + " bytes) to "
                        + DeviceCheck.describe(device, devices.name(device)) + " on " + node
                        + ", which passes every check; nothing was written";
            }
        };
    }

    void check(Path device) throws IOException {
        if (!allows(device)) {
            throw new IOException("device " + device + " is not in the agent's allowed devices on " + node + " ("
                    + String.join(", ", allowed) + "): add it to the chart's agent.allowedDevices if it may be"
                    + " overwritten");
        }
        if (!devices.isBlockDevice(device)) {
            throw new IOException("no block device " + device + " on " + node + ": check the broadcast's targetDevice");
        }
    }

    private boolean allows(Path device) {
        Path real;
        try {
            real = device.toRealPath();
        } catch (IOException e) {
            real = device;
        }
        for (PathMatcher m : matchers) {
            if (m.matches(device) || m.matches(real)) {
                return true;
            }
        }
        return false;
    }
}
