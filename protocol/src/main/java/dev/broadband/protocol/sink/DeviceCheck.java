package dev.broadband.protocol.sink;

import dev.broadband.protocol.Units;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a block device must pass before a single byte of an image is written to it: not mounted, nor any partition
 * of it; not swap; not held by device-mapper (LVM, dm-crypt, multipath) or md RAID; writable; large enough. Writing
 * any of these would destroy a running system's data, so each refusal is one line naming what holds the device and
 * how to release it. The command line's {@code --output} and the node agent refuse exactly the same.
 */
public final class DeviceCheck {
    private final BlockDevices devices;

    public DeviceCheck(BlockDevices devices) {
        this.devices = devices;
    }

    /**
     * The device as the kernel names it, with the path given when that is another name: a stable path
     * (/dev/disk/by-id/...) or a node of another name is named with the disk it leads to, as that is what gets written.
     */
    public static String describe(Path path, String kernelName) {
        String kernel = "/dev/" + kernelName;
        return path.toString().equals(kernel) ? kernel : kernel + " (" + path + ")";
    }

    /** @throws IOException whose message is the refusal, when the device at {@code path} must not be written */
    public void check(Path path, long imageBytes) throws IOException {
        String name = devices.name(path);
        String device = describe(path, name);
        List<String> all = new ArrayList<>(List.of(name));
        all.addAll(devices.partitions(name));
        List<String> numbers = new ArrayList<>();
        for (String n : all) {
            numbers.add(devices.number(n));
        }
        Optional<String> mounted = devices.mountOf(numbers);
        if (mounted.isPresent()) {
            throw new IOException("device " + device + " is mounted at " + mounted.get()
                    + ": unmount it first; broadband never writes a mounted device");
        }
        Optional<String> swap = devices.swapOf(all);
        if (swap.isPresent()) {
            throw new IOException("device " + device + " is in use as swap (" + swap.get() + "): run 'swapoff "
                    + swap.get() + "' first; broadband never writes a device in use");
        }
        for (String n : all) {
            List<String> holders = devices.holders(n);
            if (!holders.isEmpty()) {
                throw new IOException("device " + device + (n.equals(name) ? "" : " (its partition " + n + ")")
                        + " is held by " + String.join(", ", holders) + ": release it first (deactivate the LVM"
                        + " volume group, close the dm-crypt mapping, stop the RAID array); broadband never writes"
                        + " a device in use");
            }
        }
        if (devices.readOnly(name)) {
            throw new IOException("device " + device + " is read-only: make it writable (blockdev --setrw) or choose"
                    + " another device");
        }
        long size = devices.size(path);
        if (size < imageBytes) {
            throw new IOException("device " + device + " holds " + Units.formatBytes(size) + " (" + size
                    + " bytes) but the image needs " + imageBytes + " bytes: choose a larger device");
        }
    }
}
