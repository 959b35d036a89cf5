package dev.evalunit.internal.stats;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import org.apiguardian.api.API;

/**
 * Holm's (1979) step-down adjustment of p-values for multiple comparisons. Stateless.
 *
 * <p>Comparing a model with several others, or on several benchmarks, at level 0.05 each finds a "difference"
 * by chance far more often than 5 % of the time. Holm's adjustment controls the family-wise error rate, the
 * chance of any false finding, under any dependence between the tests, and is never less powerful than
 * Bonferroni's. Holm S. (1979), "A simple sequentially rejective multiple test procedure", Scandinavian
 * Journal of Statistics 6:65-70.
 */
@API(status = INTERNAL, since = "0.1")
public final class Holm {

    private Holm() {
    }

    /**
     * The Holm-adjusted p-values, in the order of {@code p}: with the {@code m} p-values sorted ascending,
     * the i-th smallest (i from 1) becomes {@code min(1, max over j <= i of (m - j + 1) p_(j))}, so the
     * adjusted values keep the order of the raw ones. Rejecting each hypothesis whose adjusted p-value is at
     * most alpha is Holm's procedure at level alpha. This is R's {@code p.adjust(p, method = "holm")}
     * (R's stats/R/p.adjust.R: {@code pmin(1, cummax((n - i + 1L) * p[o]))[ro]}), value for value. An empty
     * array gives an empty array, as in R.
     *
     * @throws IllegalArgumentException when a p-value is outside [0, 1] or NaN (R would keep NA; a missing
     *                                  p-value here is a bug upstream)
     */
    public static double[] adjust(double[] p) {
        int m = p.length;
        for (int i = 0; i < m; i++) {
            if (!(p[i] >= 0 && p[i] <= 1)) {
                throw new IllegalArgumentException("p[" + i + "] must be in [0, 1] but was " + p[i]);
            }
        }
        // a stable sort, like R's order(); ties get the same adjusted value either way, through the running max
        Integer[] order = IntStream.range(0, m).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble(i -> p[i]));
        double[] adjusted = new double[m];
        double runningMax = 0;
        for (int rank = 0; rank < m; rank++) {
            int i = order[rank];
            runningMax = Math.max(runningMax, (m - rank) * p[i]);
            adjusted[i] = Math.min(1, runningMax);
        }
        return adjusted;
    }
}
