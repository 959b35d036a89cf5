package dev.evalunit.internal.stats;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import org.apiguardian.api.API;

/**
 * The difference between two systems in a metric computed from column means, such as F1 from the mean
 * precision and recall, with a percentile bootstrap interval. Immutable and thread-safe.
 *
 * <p>Each system has a row of {@code k} scores per question, in the same question order for both. The
 * metric is a function of the {@code k} column means, {@code f(means)}, so it is not an average over
 * questions and has no standard error of its own; the bootstrap gives one. Each replicate resamples
 * questions with replacement, the same questions for A and B (the comparison stays paired), and takes
 * {@code f(meansA) - f(meansB)}. A replicate whose value is not finite (F1 of a resample with no positive
 * prediction, say, 0/0) is dropped and counted in {@code dropped}; many drops mean the interval describes
 * only the resamples where the metric exists.
 *
 * @param valueA     {@code f} of A's column means over all questions
 * @param valueB     {@code f} of B's column means over all questions
 * @param difference {@code valueA - valueB}
 * @param interval   the percentile interval of the kept replicates at the confidence asked for;
 *                   {@code null} when every replicate was dropped
 * @param resamples  the replicates drawn
 * @param dropped    of those, the ones whose value was not finite
 */
@API(status = INTERNAL, since = "0.1")
public record MetricDifference(double valueA, double valueB, double difference, Interval interval,
                               int resamples, int dropped) {

    public MetricDifference {
        if (dropped < 0 || dropped > resamples || (interval == null) != (dropped == resamples)) {
            throw new IllegalArgumentException("dropped must be in [0, resamples] and the interval null only when all"
                    + " were dropped, but were dropped " + dropped + " of " + resamples + " with interval " + interval);
        }
    }

    /**
     * Compares {@code metric} of A's and B's column means, bootstrapping questions {@code resamples}
     * times from {@code seed} for an interval at {@code confidence} (0.95 for 95 %). {@code scoresA[q]}
     * and {@code scoresB[q]} are the {@code k} scores of question {@code q}. The metric gets a new array
     * of {@code k} means on each call; an exception it throws is not caught.
     *
     * @throws IllegalArgumentException when the inputs are empty, differ in questions or in {@code k}, hold
     *                                  a score that is not finite, the metric of either system's means over
     *                                  all questions is not finite, or {@code resamples} is below 100 or
     *                                  {@code confidence} outside (0, 1)
     */
    public static MetricDifference of(double[][] scoresA, double[][] scoresB, ToDoubleFunction<double[]> metric,
                                      int resamples, long seed, double confidence) {
        int q = Checks.sameNonEmpty("scoresA", scoresA.length, "scoresB", scoresB.length);
        Checks.resamples(resamples);
        Checks.openUnit("confidence", confidence);
        int k = checkRows("scoresA", scoresA, scoresA[0] == null ? 0 : scoresA[0].length);
        checkRows("scoresB", scoresB, k);
        double valueA = metric.applyAsDouble(columnMeans(scoresA, k));
        double valueB = metric.applyAsDouble(columnMeans(scoresB, k));
        if (!Double.isFinite(valueA) || !Double.isFinite(valueB)) {
            throw new IllegalArgumentException("the metric of each system's column means must be finite but was "
                    + valueA + " for A and " + valueB + " for B");
        }
        SplittableRandom random = new SplittableRandom(seed);
        double[] kept = new double[resamples];
        int count = 0;
        for (int r = 0; r < resamples; r++) {
            double[] sumsA = new double[k];
            double[] sumsB = new double[k];
            for (int j = 0; j < q; j++) {
                int i = random.nextInt(q);
                double[] rowA = scoresA[i];
                double[] rowB = scoresB[i];
                for (int c = 0; c < k; c++) {
                    sumsA[c] += rowA[c];
                    sumsB[c] += rowB[c];
                }
            }
            for (int c = 0; c < k; c++) {
                sumsA[c] /= q;
                sumsB[c] /= q;
            }
            double value = metric.applyAsDouble(sumsA) - metric.applyAsDouble(sumsB);
            if (Double.isFinite(value)) {
                kept[count++] = value;
            }
        }
        Interval interval = count == 0 ? null : Bootstrap.percentile(kept, count, confidence);
        return new MetricDifference(valueA, valueB, valueA - valueB, interval, resamples, resamples - count);
    }

    /** Every row of {@code scores} has {@code k >= 1} finite scores; returns {@code k}. */
    private static int checkRows(String name, double[][] scores, int k) {
        if (k < 1) {
            throw new IllegalArgumentException(name + "[0] must hold at least one score but held none");
        }
        for (int i = 0; i < scores.length; i++) {
            double[] row = scores[i];
            if (row == null || row.length != k) {
                throw new IllegalArgumentException(name + "[" + i + "] must hold " + k + " scores, as every row of"
                        + " both systems does, but held " + (row == null ? "none (null)" : row.length));
            }
            for (int c = 0; c < k; c++) {
                if (!Double.isFinite(row[c])) {
                    throw new IllegalArgumentException(name + "[" + i + "][" + c + "] must be finite but was " + row[c]);
                }
            }
        }
        return k;
    }

    private static double[] columnMeans(double[][] scores, int k) {
        double[] means = new double[k];
        for (double[] row : scores) {
            for (int c = 0; c < k; c++) {
                means[c] += row[c];
            }
        }
        for (int c = 0; c < k; c++) {
            means[c] /= scores.length;
        }
        return means;
    }
}
