package dev.evalunit.internal.stats;

import static org.apiguardian.api.API.Status.INTERNAL;

import org.apache.commons.statistics.distribution.NormalDistribution;
import org.apiguardian.api.API;

/**
 * Confidence intervals for a proportion. Stateless.
 *
 * <p>The Wilson (1927) score interval is the one to use for pass rates: unlike the normal approximation
 * (Wald) it stays inside [0, 1], never has zero width, and its coverage stays near nominal at rates near 0 %
 * and 100 %, where hallucination and refusal rates sit. Newcombe (1998, "Two-sided confidence intervals for
 * the single proportion: comparison of seven methods", Statistics in Medicine 17:857-872) recommends it
 * (his method 3) among the simple methods.
 */
@API(status = INTERNAL, since = "0.1")
public final class Proportions {

    private static final NormalDistribution STANDARD_NORMAL = NormalDistribution.of(0, 1);

    private Proportions() {
    }

    /**
     * The Wilson score interval of {@code successes} out of {@code n} at {@code confidence} (0.95 for a
     * 95 % interval). Both counts may be fractional, as effective sample sizes are (see
     * {@link ClusteredProportion}). {@code n = 0} gives {@code [0, 1]}: no data rules nothing out. With
     * no successes the low limit is exactly 0, and with all successes the high limit exactly 1, rather than
     * rounding error either side.
     *
     * @throws IllegalArgumentException when {@code n} is negative or not finite, {@code successes} is
     *                                  outside {@code [0, n]}, or {@code confidence} outside (0, 1)
     */
    public static Interval wilson(double successes, double n, double confidence) {
        double z = z(confidence);
        if (!(n >= 0) || Double.isInfinite(n)) {
            throw new IllegalArgumentException("n must be finite and >= 0 but was " + n);
        }
        if (!(successes >= 0 && successes <= n)) {
            throw new IllegalArgumentException("successes must be in [0, n] = [0, " + n + "] but was " + successes);
        }
        if (n == 0) {
            return new Interval(0, 1);
        }
        double p = successes / n;
        double z2 = z * z;
        double denominator = 1 + z2 / n;
        double centre = (p + z2 / (2 * n)) / denominator;
        double half = z * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator;
        double low = successes == 0 ? 0 : Math.max(0, centre - half);
        double high = successes == n ? 1 : Math.min(1, centre + half);
        return new Interval(low, high);
    }

    /**
     * The two-sided standard normal quantile of {@code confidence}: {@code z} with
     * {@code P(|Z| <= z) = confidence}, 1.959963984540054 for 0.95. Taken from the upper tail
     * ({@code inverseSurvivalProbability}) so that confidences near 1 keep their precision.
     */
    static double z(double confidence) {
        Checks.openUnit("confidence", confidence);
        return STANDARD_NORMAL.inverseSurvivalProbability((1 - confidence) / 2);
    }

    /** The one-sided standard normal quantile: {@code z} with {@code P(Z <= z) = probability}. */
    static double quantile(double probability) {
        return STANDARD_NORMAL.inverseCumulativeProbability(probability);
    }
}
