package dev.evalunit.internal.report;

import dev.evalunit.config.Durations;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;

/**
 * Numbers as the progress lines and the summary print them, the same in every locale: {@code 153,200},
 * {@code 40.0%}, {@code $0.0231}, {@code 85.3/s}, {@code 0.5}. Stateless.
 */
final class Formats {

    private Formats() {
    }

    static String count(long n) {
        return String.format(Locale.US, "%,d", n);
    }

    /** A share from 0 to 1 as a percentage with one decimal: {@code 0.612 -> 61.2%}. */
    static String percent(double share) {
        return String.format(Locale.US, "%.1f%%", share * 100);
    }

    /** US dollars with four decimals, since one run of a small model costs cents: {@code $0.0231}. */
    static String usd(double usd) {
        return String.format(Locale.US, "$%,.4f", usd);
    }

    static String rate(double perSecond) {
        return String.format(Locale.US, "%.1f/s", perSecond);
    }

    static String millis(double ms) {
        return String.format(Locale.US, "%,.0f ms", ms);
    }

    /** A temperature with at least one decimal and no trailing zeros beyond it: 0.0, 0.5, 0.25, 1.0. */
    static String temperature(double t) {
        BigDecimal d = BigDecimal.valueOf(t).stripTrailingZeros();
        return d.scale() < 1 ? d.setScale(1).toPlainString() : d.toPlainString();
    }

    /** Whole seconds as {@link Durations#format} writes them: {@code 21s}, {@code 2m5s}, {@code 1h0m0s}. */
    static String seconds(double seconds) {
        return Durations.format(Duration.ofSeconds(Math.round(seconds)));
    }
}
