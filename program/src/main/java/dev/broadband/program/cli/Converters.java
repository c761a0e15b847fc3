package dev.broadband.program.cli;

import dev.broadband.protocol.Units;
import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Option converters for the quantities people type. */
final class Converters {
    private Converters() {}

    static final class Rate implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return Units.parseRate(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    static final class Time implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return Units.parseDuration(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** A share such as {@code 2%} or {@code 2}, as a fraction. */
    static final class Percent implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            try {
                double percent = Double.parseDouble(value.trim().replaceFirst("%$", ""));
                if (percent < 0 || percent > 100) {
                    throw new NumberFormatException();
                }
                return percent / 100;
            } catch (NumberFormatException e) {
                throw new TypeConversionException("not a percentage from 0 to 100: '" + value + "' (example: 2%)");
            }
        }
    }

    /** Sizes such as {@code 64m}, {@code 1g}, {@code 4096} (bytes, binary multiples). */
    static final class Size implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT).replaceAll("i?b$", "");
            long scale = 1;
            if (!v.isEmpty() && "kmgt".indexOf(v.charAt(v.length() - 1)) >= 0) {
                scale = 1L << (10 * ("kmgt".indexOf(v.charAt(v.length() - 1)) + 1));
                v = v.substring(0, v.length() - 1);
            }
            try {
                long n = Long.parseLong(v);
                if (n < 0) {
                    throw new NumberFormatException();
                }
                return n * scale;
            } catch (NumberFormatException e) {
                throw new TypeConversionException("not a size: '" + value + "' (examples: 64m, 1g, 4096)");
            }
        }
    }
}
