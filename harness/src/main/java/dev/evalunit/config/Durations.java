package dev.evalunit.config;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import org.apiguardian.api.API;

/**
 * Parses and formats durations the way people and OpenAI write them. Thread-safe (stateless).
 *
 * <p>{@link #parse} accepts Go-style durations, the format of OpenAI's {@code x-ratelimit-reset-*}
 * headers ({@code "6m0s"}, {@code "1s"}, {@code "12ms"}, {@code "1.5s"}, {@code "1h2m3.5s"}), and
 * ISO-8601 ({@code "PT30S"}). Units: {@code ns}, {@code us} (or {@code µs}), {@code ms}, {@code s},
 * {@code m}, {@code h}, {@code d} (24 hours). Each component is a whole or decimal number followed by
 * its unit; {@code "0"} alone is zero. Negative durations are rejected: nothing we configure or read
 * from headers can be negative, so a minus sign is a mistake worth reporting.
 *
 * <p>Parsing scans characters once without regular expressions or allocation beyond the result,
 * because the client parses a reset header on every response.
 */
@API(status = INTERNAL, since = "0.1")
public final class Durations {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final String EXPECTED = "expected a duration such as 500ms, 30s, 6m0s, 1h, 1.5s or PT30S";

    private Durations() {
    }

    /**
     * Parses {@code text}; surrounding whitespace is ignored.
     *
     * @throws IllegalArgumentException naming the input and what was expected
     */
    public static Duration parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException(EXPECTED + " but was null");
        }
        String s = text.strip();
        if (s.isEmpty()) {
            throw new IllegalArgumentException(EXPECTED + " but was empty");
        }
        char first = s.charAt(0);
        if (first == 'P' || first == 'p') {
            return parseIso(text, s);
        }
        if (first == '-') {
            throw new IllegalArgumentException("a duration must not be negative but was \"" + text + "\"");
        }
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        long seconds = 0;
        long nanos = 0;
        int i = 0;
        int n = s.length();
        while (i < n) {
            // whole part
            long whole = 0;
            int wholeStart = i;
            while (i < n && isDigit(s.charAt(i))) {
                whole = digitAppend(whole, s.charAt(i), text);
                i++;
            }
            boolean hasWhole = i > wholeStart;
            // fraction: keep at most 9 digits (nanosecond resolution of the smallest unit that matters)
            long fraction = 0;
            long scale = 1;
            boolean hasFraction = false;
            if (i < n && s.charAt(i) == '.') {
                i++;
                int fracStart = i;
                while (i < n && isDigit(s.charAt(i))) {
                    if (scale < NANOS_PER_SECOND) {
                        fraction = fraction * 10 + (s.charAt(i) - '0');
                        scale *= 10;
                    }
                    i++;
                }
                hasFraction = i > fracStart;
            }
            if (!hasWhole && !hasFraction) {
                throw invalid(text, "a number is missing at position " + (i + 1));
            }
            // unit
            int unitStart = i;
            while (i < n && !isDigit(s.charAt(i)) && s.charAt(i) != '.') {
                i++;
            }
            long unitNanos = unitNanos(s, unitStart, i);
            if (unitNanos == 0) {
                String unit = s.substring(unitStart, i);
                throw invalid(text, unit.isEmpty()
                        ? "the number at the end needs a unit (ns, us, ms, s, m, h or d)"
                        : "unknown unit \"" + unit + "\" (use ns, us, ms, s, m, h or d)");
            }
            try {
                // whole * unit, split into seconds and nanos so that days and hours cannot overflow nanos
                if (unitNanos >= NANOS_PER_SECOND) {
                    seconds = Math.addExact(seconds, Math.multiplyExact(whole, unitNanos / NANOS_PER_SECOND));
                } else {
                    long wholeNanos = Math.multiplyExact(whole, unitNanos);
                    seconds = Math.addExact(seconds, wholeNanos / NANOS_PER_SECOND);
                    nanos += wholeNanos % NANOS_PER_SECOND;
                }
                if (fraction != 0) {
                    long fracNanos = unitNanos % scale == 0
                            ? fraction * (unitNanos / scale)
                            : Math.round((double) fraction * unitNanos / scale);
                    seconds = Math.addExact(seconds, fracNanos / NANOS_PER_SECOND);
                    nanos += fracNanos % NANOS_PER_SECOND;
                }
                seconds = Math.addExact(seconds, nanos / NANOS_PER_SECOND);
                nanos %= NANOS_PER_SECOND;
            } catch (ArithmeticException e) {
                throw invalid(text, "it is too large");
            }
        }
        return Duration.ofSeconds(seconds, nanos);
    }

    /**
     * Formats like Go's {@code time.Duration.String()} and OpenAI's headers: {@code "0s"}, {@code "12ms"},
     * {@code "1.5s"}, {@code "6m0s"}, {@code "1h2m3.5s"}; below one millisecond {@code "250us"} or
     * {@code "80ns"} (ASCII {@code us}, not {@code µs}). {@code parse(format(d))} equals {@code d}.
     */
    public static String format(Duration duration) {
        if (duration.isZero()) {
            return "0s";
        }
        StringBuilder out = new StringBuilder(16);
        if (duration.isNegative()) {
            out.append('-');
            duration = duration.negated();
        }
        long seconds = duration.getSeconds();
        int nanos = duration.getNano();
        if (seconds == 0) {
            if (nanos < 1_000) {
                return out.append(nanos).append("ns").toString();
            }
            if (nanos < 1_000_000) {
                appendDecimal(out, nanos / 1_000, nanos % 1_000, 3);
                return out.append("us").toString();
            }
            appendDecimal(out, nanos / 1_000_000, nanos % 1_000_000, 6);
            return out.append("ms").toString();
        }
        long hours = seconds / 3600;
        long minutes = seconds % 3600 / 60;
        long secs = seconds % 60;
        if (hours > 0) {
            out.append(hours).append('h');
        }
        if (hours > 0 || minutes > 0) {
            out.append(minutes).append('m');
        }
        appendDecimal(out, secs, nanos, 9);
        return out.append('s').toString();
    }

    private static Duration parseIso(String text, String s) {
        Duration d;
        try {
            d = Duration.parse(s);
        } catch (DateTimeParseException e) {
            throw invalid(text, "it is not valid ISO-8601 (e.g. PT30S, PT1M30S)");
        }
        if (d.isNegative()) {
            throw new IllegalArgumentException("a duration must not be negative but was \"" + text + "\"");
        }
        return d;
    }

    /** Appends {@code whole[.fraction]} with the fraction's trailing zeros removed. */
    private static void appendDecimal(StringBuilder out, long whole, long fraction, int digits) {
        out.append(whole);
        if (fraction == 0) {
            return;
        }
        while (fraction % 10 == 0) {
            fraction /= 10;
            digits--;
        }
        out.append('.');
        String f = Long.toString(fraction);
        for (int pad = digits - f.length(); pad > 0; pad--) {
            out.append('0');
        }
        out.append(f);
    }

    /** Nanoseconds per unit for {@code s[from, to)}, or 0 when it is not a unit. */
    private static long unitNanos(String s, int from, int to) {
        int len = to - from;
        if (len == 1) {
            switch (s.charAt(from)) {
                case 's': return NANOS_PER_SECOND;
                case 'm': return 60 * NANOS_PER_SECOND;
                case 'h': return 3_600 * NANOS_PER_SECOND;
                case 'd': return 86_400 * NANOS_PER_SECOND;
                default: return 0;
            }
        }
        if (len == 2 && s.charAt(from + 1) == 's') {
            switch (s.charAt(from)) {
                case 'n': return 1;
                case 'u':
                case '\u00b5':
                case '\u03bc':
                    return 1_000;
                case 'm': return 1_000_000;
                default: return 0;
            }
        }
        return 0;
    }

    private static long digitAppend(long value, char digit, String text) {
        try {
            return Math.addExact(Math.multiplyExact(value, 10), digit - '0');
        } catch (ArithmeticException e) {
            throw invalid(text, "it is too large");
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static IllegalArgumentException invalid(String text, String why) {
        return new IllegalArgumentException(EXPECTED + " but was \"" + text + "\": " + why);
    }
}
