package dev.evalunit.internal.stats;

import java.util.Arrays;

/**
 * The percentile bootstrap interval shared by {@link PairedComparison} and {@link MetricDifference}. Both
 * resample questions with replacement, {@code Q} draws of {@code SplittableRandom.nextInt(Q)} per replicate
 * from {@code new SplittableRandom(seed)}, so for one seed they resample the very same questions. Stateless.
 */
final class Bootstrap {

    /**
     * The default number of replicates. Each limit of a 95 % interval then has a Monte Carlo error of about
     * 0.06 standard errors of the estimate: sqrt(0.025 x 0.975 / 2000) / phi(1.96) = 0.0035 / 0.058.
     */
    static final int DEFAULT_RESAMPLES = 2_000;

    /** Fewer replicates than this cannot place the 2.5 % percentile of a 95 % interval between two of them. */
    static final int MIN_RESAMPLES = 100;

    private Bootstrap() {
    }

    /**
     * The percentile interval of the first {@code count} {@code replicates} at {@code confidence}: their
     * {@code (1 - confidence) / 2} and {@code (1 + confidence) / 2} quantiles. Sorts that part of the array
     * in place.
     *
     * <p>Quantiles interpolate linearly between order statistics, Hyndman and Fan's (1996) definition 7,
     * which is R's {@code quantile(x, type = 7)} default and NumPy's {@code percentile} default: with
     * sorted values {@code x[0..m-1]}, the u-quantile is {@code x[j] + g (x[j+1] - x[j])} for
     * {@code h = (m - 1) u}, {@code j = floor(h)}, {@code g = h - j}.
     */
    static Interval percentile(double[] replicates, int count, double confidence) {
        if (count < 1) {
            throw new IllegalArgumentException("a percentile interval needs at least one replicate but had " + count);
        }
        Arrays.sort(replicates, 0, count);
        double tail = (1 - confidence) / 2;
        return new Interval(quantile(replicates, count, tail), quantile(replicates, count, 1 - tail));
    }

    /** The type-7 {@code u}-quantile of the sorted {@code x[0..count-1]}. */
    static double quantile(double[] sorted, int count, double u) {
        double h = (count - 1) * u;
        int j = (int) Math.floor(h);
        if (j >= count - 1) {
            return sorted[count - 1];
        }
        double g = h - j;
        return sorted[j] + g * (sorted[j + 1] - sorted[j]);
    }
}
