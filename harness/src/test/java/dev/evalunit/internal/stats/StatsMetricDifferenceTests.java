package dev.evalunit.internal.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

class StatsMetricDifferenceTests {

    /** F1 from the means of per-question true positives, false positives and false negatives. */
    private static final ToDoubleFunction<double[]> F1 = m -> 2 * m[0] / (2 * m[0] + m[1] + m[2]);

    @Test
    void theDifferenceIsTheMetricOfEachSystemsMeans() {
        // by hand: A's (tp, fp, fn) means are (2/4, 1/4, 1/4), F1 = 1 / (1 + 0.5) = 2/3;
        // B's are (1/4, 2/4, 1/4), F1 = 0.5 / (0.5 + 0.75) = 0.4; difference 2/3 - 0.4 = 4/15
        double[][] a = {{1, 0, 0}, {1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
        double[][] b = {{1, 0, 0}, {0, 1, 0}, {0, 1, 0}, {0, 0, 1}};

        MetricDifference d = MetricDifference.of(a, b, F1, 2_000, 11, 0.95);

        assertThat(d.valueA()).isCloseTo(2 / 3.0, within(1e-15));
        assertThat(d.valueB()).isCloseTo(0.4, within(1e-15));
        assertThat(d.difference()).isCloseTo(4 / 15.0, within(1e-15));
        assertThat(d.resamples()).isEqualTo(2_000);
        assertThat(d.interval().low()).isLessThan(d.difference());
        assertThat(d.interval().high()).isGreaterThan(d.difference());
    }

    @Test
    void withOneColumnAndTheIdentityItIsThePairedComparisonsBootstrap() {
        // both resample the same questions for a seed, so the intervals agree but for summation rounding
        double[] a = StatsPairedComparisonTests.randomOutcomes(300, 0.6, 5);
        double[] b = StatsPairedComparisonTests.randomOutcomes(300, 0.5, 6);

        PairedComparison paired = PairedComparison.of(a, b, PairedComparison.Settings.withSeed(42));
        MetricDifference metric = MetricDifference.of(column(a), column(b), m -> m[0], 2_000, 42, 0.95);

        assertThat(metric.difference()).isCloseTo(paired.difference(), within(1e-12));
        assertThat(metric.interval().low()).isCloseTo(paired.interval().low(), within(1e-12));
        assertThat(metric.interval().high()).isCloseTo(paired.interval().high(), within(1e-12));
        assertThat(metric.dropped()).isZero();
    }

    @Test
    void replicatesWithoutAFiniteValueAreDroppedAndCounted() {
        // precision tp / (tp + fp) where only question 0 has a prediction: a resample that misses it is 0/0
        double[][] a = {{1, 0}, {0, 0}, {0, 0}};
        double[][] b = {{0, 1}, {0, 0}, {0, 0}};
        ToDoubleFunction<double[]> precision = m -> m[0] / (m[0] + m[1]);

        MetricDifference d = MetricDifference.of(a, b, precision, 1_000, 3, 0.95);

        // the resamples that miss question 0, counted with the same draws: Q = 3 of nextInt(3) per replicate
        SplittableRandom random = new SplittableRandom(3);
        int missing = 0;
        for (int r = 0; r < 1_000; r++) {
            boolean drawn = false;
            for (int j = 0; j < 3; j++) {
                drawn |= random.nextInt(3) == 0;
            }
            missing += drawn ? 0 : 1;
        }
        assertThat(d.dropped()).isEqualTo(missing);
        // (2/3)^3 = 0.296 of the replicates miss it
        assertThat(d.dropped() / 1_000.0).isCloseTo(8 / 27.0, within(0.05));
        assertThat(d.difference()).isEqualTo(1.0);
        assertThat(d.interval()).isEqualTo(new Interval(1, 1));
    }

    @Test
    void everyReplicateDroppedLeavesNoInterval() {
        AtomicInteger calls = new AtomicInteger();
        // finite for the two full-sample values, NaN for every replicate
        ToDoubleFunction<double[]> once = m -> calls.incrementAndGet() <= 2 ? m[0] : Double.NaN;

        MetricDifference d = MetricDifference.of(new double[][] {{1}, {0}}, new double[][] {{0}, {0}}, once, 100, 1, 0.95);

        assertThat(d.dropped()).isEqualTo(100);
        assertThat(d.interval()).isNull();
        assertThat(d.difference()).isEqualTo(0.5);
    }

    @Test
    void invalidInputsAreNamedWithTheirValue() {
        double[][] two = {{1, 0}, {0, 1}};
        assertThatThrownBy(() -> MetricDifference.of(two, new double[][] {{1, 0}}, F1, 100, 1, 0.95))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("scoresA and scoresB must have the same length (one entry per question) but had 2 and 1");
        assertThatThrownBy(() -> MetricDifference.of(new double[0][], new double[0][], F1, 100, 1, 0.95))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("scoresA and scoresB must not be empty");
        assertThatThrownBy(() -> MetricDifference.of(two, new double[][] {{1, 0}, {1}}, m -> m[0], 100, 1, 0.95))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("scoresB[1] must hold 2 scores, as every row of both systems does, but held 1");
        assertThatThrownBy(() -> MetricDifference.of(two, new double[][] {{1, 0}, {Double.NaN, 0}}, m -> m[0], 100, 1, 0.95))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("scoresB[1][0] must be finite but was NaN");
        assertThatThrownBy(() -> MetricDifference.of(two, two, m -> m[0] / 0.0, 100, 1, 0.95))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the metric of each system's column means must be finite but was Infinity for A and Infinity for B");
        assertThatThrownBy(() -> MetricDifference.of(two, two, m -> m[0], 99, 1, 0.95))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("resamples must be at least 100 but was 99");
        assertThatThrownBy(() -> MetricDifference.of(two, two, m -> m[0], 100, 1, 1.0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("confidence must be in (0, 1) but was 1.0");
    }

    private static double[][] column(double[] values) {
        double[][] out = new double[values.length][];
        for (int i = 0; i < values.length; i++) {
            out[i] = new double[] {values[i]};
        }
        return out;
    }
}
