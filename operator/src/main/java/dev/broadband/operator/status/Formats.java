package dev.broadband.operator.status;

import java.util.Locale;

/** How numbers are shown in the status: short, stable strings that fit kubectl's columns. */
public final class Formats {

  private Formats() {
  }

  /** {@code part/whole} as "42.5%"; never rounds up to 100.0% before it is complete. */
  public static String percent(long part, long whole) {
    if (whole <= 0) {
      return "0.0%";
    }
    long clamped = Math.max(0, Math.min(part, whole));
    double tenths = Math.floor(clamped * 1000.0 / whole);
    return String.format(Locale.ROOT, "%.1f%%", tenths / 10.0);
  }

  /** Bits per second as "812Mbit/s", "1.2Gbit/s", "64kbit/s". */
  public static String rate(long bitsPerSecond) {
    if (bitsPerSecond >= 1_000_000_000L) {
      return trim(bitsPerSecond / 1e9) + "Gbit/s";
    }
    if (bitsPerSecond >= 1_000_000L) {
      return trim(bitsPerSecond / 1e6) + "Mbit/s";
    }
    if (bitsPerSecond >= 1_000L) {
      return trim(bitsPerSecond / 1e3) + "kbit/s";
    }
    return bitsPerSecond + "bit/s";
  }

  private static String trim(double value) {
    return value >= 100 ? String.valueOf(Math.round(value))
        : String.format(Locale.ROOT, "%.1f", value).replaceAll("\\.0$", "");
  }
}
