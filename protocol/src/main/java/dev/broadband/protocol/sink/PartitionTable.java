package dev.broadband.protocol.sink;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Asks the kernel to read a device's partition table again once an image is on it, so that the image's partitions
 * (/dev/sdb1, ...) appear without a reboot. Java has no ioctl; util-linux's {@code partx --update} tells the kernel
 * partition by partition (BLKPG), which works where the whole-disk re-read (BLKRRPART) is refused or, as on loop
 * devices here, does nothing.
 */
public final class PartitionTable {
    private static final long TIMEOUT_SECONDS = 30;

    private PartitionTable() {}

    /** @return null when the kernel re-read it; otherwise why not, in one line */
    public static String reread(Path device) {
        try {
            Process p = new ProcessBuilder("partx", "--update", device.toString()).redirectErrorStream(true).start();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "partx --update " + device + " did not finish within " + TIMEOUT_SECONDS + " s";
            }
            String output = new String(p.getInputStream().readAllBytes()).strip();
            return p.exitValue() == 0 ? null : "partx --update " + device + " failed: " + output;
        } catch (IOException e) {
            return "cannot run partx (util-linux) to re-read the partition table of " + device + ": " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while re-reading the partition table of " + device;
        }
    }
}
