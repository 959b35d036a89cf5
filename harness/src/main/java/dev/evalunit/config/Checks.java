package dev.evalunit.config;

import java.time.Duration;
import java.util.Objects;

/** Argument checks shared by the config records, for values built in code rather than loaded. */
final class Checks {

    private Checks() {
    }

    static Duration positive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be > 0 but was " + Durations.format(value));
        }
        return value;
    }

    static Duration nonNegative(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must be >= 0 but was " + Durations.format(value));
        }
        return value;
    }

    static long range(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be " + Checks.describeRange(min, max) + " but was " + value);
        }
        return value;
    }

    static double range(String name, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw new IllegalArgumentException(name + " must be from " + min + " to " + max + " but was " + value);
        }
        return value;
    }

    /** "&gt; 0", "&gt;= 5" or "from 1 to 1024": the words our messages use for a whole-number range. */
    static String describeRange(long min, long max) {
        if (max == Long.MAX_VALUE || max == Integer.MAX_VALUE) {
            return min == 1 ? "> 0" : ">= " + min;
        }
        return "from " + min + " to " + max;
    }
}
