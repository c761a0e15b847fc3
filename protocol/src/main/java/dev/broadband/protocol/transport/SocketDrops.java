package dev.broadband.protocol.transport;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.StringTokenizer;

/**
 * Reads how many datagrams the kernel dropped on this process's socket bound to a UDP port because its receive
 * buffer was full (the "drops" column of /proc/net/udp). This tells a receiver that cannot keep up apart from
 * loss on the wire, which is what the sender's rate control needs to know. Linux only; -1 elsewhere.
 */
final class SocketDrops {
    private static final Path UDP_TABLE = Path.of("/proc/net/udp");
    private String localPortHex;
    private Set<String> inodes;

    void watch(int port) {
        localPortHex = String.format(":%04X", port);
        inodes = null;
    }

    long read() {
        if (localPortHex == null) {
            return -1;
        }
        try {
            if (inodes == null) {
                inodes = ownSocketInodes();
            }
            List<String> lines = Files.readAllLines(UDP_TABLE);
            for (String line : lines.subList(1, lines.size())) {
                // Read every heartbeat: only the lines of our port are worth splitting.
                if (!line.contains(localPortHex)) {
                    continue;
                }
                String[] f = fields(line);
                if (f.length >= 13 && f[1].endsWith(localPortHex) && inodes.contains(f[9])) {
                    return Long.parseLong(f[12]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or /proc hidden: the caller falls back to loss alone
        }
        return -1;
    }

    /** The line's whitespace-separated fields; no regular expression, as this runs with every heartbeat. */
    private static String[] fields(String line) {
        StringTokenizer tokens = new StringTokenizer(line);
        String[] result = new String[tokens.countTokens()];
        for (int i = 0; i < result.length; i++) {
            result[i] = tokens.nextToken();
        }
        return result;
    }

    private static Set<String> ownSocketInodes() throws IOException {
        Set<String> result = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        result.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException e) {
                    // the descriptor closed meanwhile
                }
            }
        }
        return result;
    }
}
