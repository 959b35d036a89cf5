package dev.evalunit.internal.compare;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.evalunit.config.ConfigKeys;
import dev.evalunit.config.ConfigValues;
import dev.evalunit.internal.stats.PairedComparison;
import java.math.BigDecimal;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * How comparisons are computed and what the baseline gate allows. Immutable.
 *
 * @param settings  bootstrap resamples ({@code evalunit.compare.resamples}, default 2,000) and seed
 *                  ({@code evalunit.compare.seed}, default 1: the same runs give the same intervals), alpha
 *                  ({@code evalunit.baseline.alpha}, default 0.05), power 0.8
 * @param baseline  {@code evalunit.baseline}: a run's id, its directory, or a file in it, which this run must not
 *                  fall behind; empty for none
 * @param margin    {@code evalunit.baseline.margin}: how much worse than the baseline a measure may be before a
 *                  significant difference fails the build, as a share (0.02: two points); default 0
 */
@API(status = INTERNAL, since = "0.1")
public record CompareOptions(PairedComparison.Settings settings, Optional<String> baseline, double margin) {

    /** Reads the options; a bad value fails naming its key. */
    public static CompareOptions from(ConfigValues v) {
        int resamples = v.getAs(ConfigKeys.COMPARE_RESAMPLES, 2_000, "a whole number from 100 to 1,000,000", s -> {
            int n = ConfigValues.positiveInt(s);
            if (n < 100 || n > 1_000_000) {
                throw new IllegalArgumentException(s);
            }
            return n;
        });
        long seed = v.getLong(ConfigKeys.COMPARE_SEED, 1);
        double alpha = v.getAs(ConfigKeys.BASELINE_ALPHA, 0.05, "a number between 0 and 1 (exclusive), such as 0.05",
                s -> share(s, false));
        double margin = v.getAs(ConfigKeys.BASELINE_MARGIN, 0.0, "a number from 0 to 1, such as 0.02 (two points)",
                s -> share(s, true));
        return new CompareOptions(new PairedComparison.Settings(resamples, seed, alpha, 0.8),
                v.get(ConfigKeys.BASELINE).map(String::strip).filter(b -> !b.isEmpty()), margin);
    }

    private static double share(String text, boolean closed) {
        double d = new BigDecimal(text.strip()).doubleValue();
        if (closed ? !(d >= 0 && d <= 1) : !(d > 0 && d < 1)) {
            throw new IllegalArgumentException(text);
        }
        return d;
    }
}
