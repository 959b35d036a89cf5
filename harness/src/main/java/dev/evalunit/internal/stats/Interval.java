package dev.evalunit.internal.stats;

import static org.apiguardian.api.API.Status.INTERNAL;

import org.apiguardian.api.API;

/**
 * A confidence interval {@code [low, high]}: of a proportion (inside [0, 1]) or of a difference (inside
 * [-1, 1] for proportions, anywhere for a metric). Immutable and thread-safe.
 *
 * @param low  the lower limit, finite
 * @param high the upper limit, finite and not below {@code low}
 */
@API(status = INTERNAL, since = "0.1")
public record Interval(double low, double high) {

    public Interval {
        if (!Double.isFinite(low) || !Double.isFinite(high)) {
            throw new IllegalArgumentException("an interval's limits must be finite but were [" + low + ", " + high + "]");
        }
        if (low > high) {
            throw new IllegalArgumentException("low must not exceed high but the interval was [" + low + ", " + high + "]");
        }
    }

    /** Whether {@code value} lies in the interval, limits included. */
    public boolean contains(double value) {
        return low <= value && value <= high;
    }

    /** {@code high - low}. */
    public double width() {
        return high - low;
    }
}
