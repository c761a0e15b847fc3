package dev.broadband.protocol;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads and writes the quantities a person types and reads: rates, durations, sizes, percentages. */
public final class Units {
    private static final Pattern RATE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt]?)(bit|bps|b)?(?:/s)?",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

    private Units() {}

    /** Parses {@code 800mbit}, {@code 1gbit}, {@code 500k} (bits per second). */
    public static long parseRate(String text) {
        Matcher m = RATE.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a rate: '" + text + "' (examples: 800mbit, 1gbit, 100m)");
        }
        double value = Double.parseDouble(m.group(1));
        double scale = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> 1e3;
            case "m" -> 1e6;
            case "g" -> 1e9;
            case "t" -> 1e12;
            default -> 1;
        };
        long bps = (long) (value * scale);
        if (bps < 1000) {
            throw new IllegalArgumentException("rate too low: '" + text + "' (at least 1kbit)");
        }
        return bps;
    }

    /** Parses {@code 30s}, {@code 2m}, {@code 500ms}, {@code 1h}. */
    public static Duration parseDuration(String text) {
        Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration: '" + text + "' (examples: 30s, 2m, 500ms, 1h)");
        }
        double value = Double.parseDouble(m.group(1));
        double millis = switch (m.group(2)) {
            case "ms" -> value;
            case "s" -> value * 1e3;
            case "m" -> value * 60e3;
            default -> value * 3600e3;
        };
        return Duration.ofMillis((long) millis);
    }

    public static String formatRate(long bps) {
        if (bps >= 1e9) {
            return String.format(Locale.ROOT, "%.2f Gbit/s", bps / 1e9);
        }
        return String.format(Locale.ROOT, "%.0f Mbit/s", bps / 1e6);
    }

    public static String formatDuration(Duration d) {
        if (d == null) {
            return "forever";
        }
        long ms = d.toMillis();
        if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }

    public static String formatPercent(double fraction) {
        return String.format(Locale.ROOT, "%.1f%%", fraction * 100);
    }

    /** host:port without the leading slash Java prints for an address without a name. */
    public static String formatAddress(java.net.SocketAddress address) {
        return String.valueOf(address).replaceFirst("^[^/]*/", "");
    }

    public static String formatBytes(long bytes) {
        if (bytes >= 1L << 30) {
            return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
        }
        if (bytes >= 1L << 20) {
            return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
        }
        return bytes + " bytes";
    }
}
