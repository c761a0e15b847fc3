package dev.broadband.agent.sink;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** What Linux says about block devices: their size, and whether they or a partition of theirs is mounted. */
public final class BlockDevices {
    private static final Path SYS_BLOCK = Path.of("/sys/class/block");
    private static final Path MOUNTS = Path.of("/proc/self/mounts");

    private BlockDevices() {}

    public static boolean isBlockDevice(Path path) {
        try {
            return Files.exists(path) && !Files.isRegularFile(path) && !Files.isDirectory(path)
                    && Files.exists(SYS_BLOCK.resolve(path.toRealPath().getFileName()));
        } catch (IOException e) {
            return false;
        }
    }

    /** Size in bytes from sysfs (fstat reports 0 for a block device). */
    public static long size(Path device) throws IOException {
        Path sectors = SYS_BLOCK.resolve(device.toRealPath().getFileName()).resolve("size");
        return Long.parseLong(Files.readString(sectors).trim()) * 512;
    }

    /** Where the device, or one of its partitions, is mounted; empty when it is not. */
    public static Optional<String> mountPoint(Path device) throws IOException {
        String name = device.toRealPath().toString();
        List<String> lines = Files.exists(MOUNTS) ? Files.readAllLines(MOUNTS) : List.of();
        for (String line : lines) {
            String[] f = line.split(" ");
            if (f.length < 2 || !f[0].startsWith("/dev/")) {
                continue;
            }
            String source;
            try {
                source = Path.of(f[0]).toRealPath().toString();
            } catch (IOException e) {
                source = f[0];
            }
            if (source.equals(name) || isPartitionOf(source, name)) {
                return Optional.of(f[1] + " (" + f[0] + ")");
            }
        }
        return Optional.empty();
    }

    private static boolean isPartitionOf(String source, String device) {
        if (!source.startsWith(device)) {
            return false;
        }
        String rest = source.substring(device.length());
        return rest.matches("p?\\d+");
    }
}
