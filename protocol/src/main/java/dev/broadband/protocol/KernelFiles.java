package dev.broadband.protocol;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reading what the kernel says in sysfs and procfs. */
public final class KernelFiles {
    private KernelFiles() {}

    /**
     * The first line of a sysfs or procfs file, trimmed; empty when it has none. Read line-wise: Files.readString
     * trusts the size these files report (0 or 4096) and returned the first character only.
     */
    public static String firstLine(Path file) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file)) {
            String line = in.readLine();
            return line == null ? "" : line.trim();
        }
    }
}
