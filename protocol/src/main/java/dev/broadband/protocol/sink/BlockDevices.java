package dev.broadband.protocol.sink;

import dev.broadband.protocol.KernelFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * What Linux says about block devices, from sysfs and procfs: their size, partitions, holders (device-mapper, md),
 * read-only flag, and where they are mounted or used as swap. The roots are given so that tests can lay out what a
 * machine with LVM or RAID would show.
 */
public final class BlockDevices {
    /** This process's view: its own mount namespace. */
    public static final BlockDevices SYSTEM = new BlockDevices(Path.of("/sys"), Path.of("/proc/self/mountinfo"),
            Path.of("/proc/swaps"));

    private final Path sysBlock;
    private final Path sysDevBlock;
    private final Path mountinfo;
    private final Path swaps;

    BlockDevices(Path sys, Path mountinfo, Path swaps) {
        this.sysBlock = sys.resolve("class/block");
        this.sysDevBlock = sys.resolve("dev/block");
        this.mountinfo = mountinfo;
        this.swaps = swaps;
    }

    /**
     * The host's view from a container that has the host's /proc mounted at {@code hostProc}: mounts as the host's
     * init sees them, for a device mounted on the host is not mounted in the container's own namespace.
     */
    public static BlockDevices ofHost(Path hostProc) {
        return new BlockDevices(Path.of("/sys"), hostProc.resolve("1").resolve("mountinfo"), hostProc.resolve("swaps"));
    }

    public boolean isBlockDevice(Path path) {
        try {
            return Files.exists(path) && !Files.isRegularFile(path) && !Files.isDirectory(path)
                    && Files.isDirectory(sysBlock.resolve(name(path)));
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The kernel's name of the device a path leads to: through symlinks (/dev/disk/by-id/... to sdb), and by its
     * device number for a node of another name (a bind mount, a container's own /dev).
     */
    public String name(Path device) throws IOException {
        Path real = device.toRealPath();
        Object rdev = Files.getAttribute(real, "unix:rdev");
        if (rdev instanceof Long number && number != 0) {
            // Linux's dev_t: the minor's low 8 bits, then 12 of the major, then the rest of both.
            long major = ((number >>> 8) & 0xfff) | ((number >>> 32) & ~0xfffL);
            long minor = (number & 0xff) | ((number >>> 12) & ~0xffL);
            Path byNumber = sysDevBlock.resolve(major + ":" + minor);
            if (Files.exists(byNumber)) {
                return byNumber.toRealPath().getFileName().toString();
            }
        }
        return real.getFileName().toString();
    }

    /** Size in bytes from sysfs (fstat reports 0 for a block device). */
    public long size(Path device) throws IOException {
        return Long.parseLong(KernelFiles.firstLine(sysBlock.resolve(name(device)).resolve("size"))) * 512;
    }

    /**
     * The names of the device's partitions (sdb1, nvme0n1p2, loop3p1): the sysfs entries below the disk's that are
     * one. Each also has an entry of its own in the class directory, as the disk has.
     */
    List<String> partitions(String name) throws IOException {
        List<String> result = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(sysBlock.resolve(name))) {
            for (Path entry : entries) {
                if (Files.exists(entry.resolve("partition"))) {
                    result.add(entry.getFileName().toString());
                }
            }
        }
        return result;
    }

    /** The device's major:minor, as mountinfo names what is mounted. */
    String number(String name) throws IOException {
        return KernelFiles.firstLine(sysBlock.resolve(name).resolve("dev"));
    }

    boolean readOnly(String name) throws IOException {
        return "1".equals(KernelFiles.firstLine(sysBlock.resolve(name).resolve("ro")));
    }

    /** What holds the device, each as "dm-0 (device-mapper vg-root)" or "md0 (RAID)": LVM, dm-crypt, md. */
    List<String> holders(String name) throws IOException {
        Path dir = sysBlock.resolve(name);
        List<String> result = new ArrayList<>();
        if (!Files.isDirectory(dir.resolve("holders"))) {
            return result;
        }
        try (DirectoryStream<Path> holders = Files.newDirectoryStream(dir.resolve("holders"))) {
            for (Path holder : holders) {
                String h = holder.getFileName().toString();
                Path dmName = sysBlock.resolve(h).resolve("dm").resolve("name");
                if (Files.exists(dmName)) {
                    result.add(h + " (device-mapper " + KernelFiles.firstLine(dmName) + ")");
                } else if (h.startsWith("md")) {
                    result.add(h + " (RAID)");
                } else {
                    result.add(h);
                }
            }
        }
        return result;
    }

    /** Where one of the devices with these major:minor numbers is mounted: "/mnt (/dev/sdb1)". */
    Optional<String> mountOf(Collection<String> numbers) throws IOException {
        if (!Files.exists(mountinfo)) {
            return Optional.empty();
        }
        for (String line : Files.readAllLines(mountinfo)) {
            // id parent major:minor root mount-point options [optional fields] - fstype source super-options
            String[] f = line.split(" ");
            int dash = List.of(f).indexOf("-");
            if (f.length > 4 && numbers.contains(f[2])) {
                String source = dash > 0 && dash + 2 < f.length ? f[dash + 2] : f[2];
                return Optional.of(unescape(f[4]) + " (" + source + ")");
            }
        }
        return Optional.empty();
    }

    /** The swap area among these device names that is in use: "/dev/sdb2". */
    Optional<String> swapOf(Collection<String> names) throws IOException {
        if (!Files.exists(swaps)) {
            return Optional.empty();
        }
        List<String> lines = Files.readAllLines(swaps);
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            String file = unescape(line.split("\\s+")[0]);
            if (names.contains(kernelName(Path.of(file)))) {
                return Optional.of(file);
            }
        }
        return Optional.empty();
    }

    /** A listed path's kernel name; a path that is gone is taken as written. */
    private static String kernelName(Path path) {
        try {
            return path.toRealPath().getFileName().toString();
        } catch (IOException e) {
            return path.getFileName().toString();
        }
    }

    /** procfs writes a space in a path as \040. */
    private static String unescape(String field) {
        return field.replace("\\040", " ").replace("\\011", "\t").replace("\\134", "\\");
    }
}
