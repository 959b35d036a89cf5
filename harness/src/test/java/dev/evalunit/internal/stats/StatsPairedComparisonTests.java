package dev.evalunit.internal.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class StatsPairedComparisonTests {

    private static final PairedComparison.Settings SEED_7 = PairedComparison.Settings.withSeed(7);

    @Test
    void oneSamplePerQuestionGivesMcNemarsExactTestOnFagerlandsExample() {
        // Fagerland, Lydersen & Laake (2013), "The McNemar test for binary matched-pairs data: mid-p and
        // asymptotic are better than exact conditional", BMC Medical Research Methodology 13:91, Table 1
        // (Bentur et al. 2009): airway hyper-responsiveness in 21 children before and after stem cell
        // transplantation: before AHR/after AHR 1, before AHR/after none 1, before none/after AHR 7, neither 12.
        // The exact conditional p-value, their supplementary material's eq. (1) and the authors' R package
        // (contingencytables, McNemar_exact_cond_test_paired_2x2: 2 * pbinom(min(n12, n21), n12 + n21, 0.5)),
        // is 2 x P(Bin(8, 1/2) <= 1) = 2 x 9/256 = 0.0703125 (0.070 to three places).
        double[] after = pairs(1, 7, 1, 12, true);
        double[] before = pairs(1, 7, 1, 12, false);

        PairedComparison c = PairedComparison.of(after, before, SEED_7);

        assertThat(c.questions()).isEqualTo(21);
        assertThat(c.aOnly()).isEqualTo(7);
        assertThat(c.bOnly()).isEqualTo(1);
        assertThat(c.pValue()).isCloseTo(0.0703125, within(1e-12));
        assertThat(c.meanA()).isCloseTo(8 / 21.0, within(1e-15));
        assertThat(c.meanB()).isCloseTo(2 / 21.0, within(1e-15));
        assertThat(c.difference()).isCloseTo(6 / 21.0, within(1e-15));
        // the test does not depend on which system is A
        assertThat(PairedComparison.of(before, after, SEED_7).pValue()).isCloseTo(0.0703125, within(1e-12));
    }

    @Test
    void theBootstrapIntervalAgreesWithAgrestisPresidentialApprovalExample() {
        // Agresti, An Introduction to Categorical Data Analysis (2nd ed., 2007), section 8.1 (Table 8.1), the
        // presidential approval example; the table as in R's ?mcnemar.test example, src/library/stats/man/
        // mcnemar.test.Rd ("Agresti (1990), p. 350. Presidential Approval Ratings", matrix(c(794, 86, 150, 570),
        // nrow = 2)): 1600 people asked twice; approve both times 794, approve then disapprove 150, disapprove
        // then approve 86, disapprove both times 570. First survey 944/1600 = 0.59, second 880/1600 = 0.55,
        // difference 0.04. Recomputed by hand from the Wald interval of dependent proportions:
        // SE = sqrt((p12 + p21) - (p12 - p21)^2) / sqrt(n) = sqrt(0.1475 - 0.0016) / 40 = 0.009549,
        // 0.04 -/+ 1.959964 x 0.009549 = (0.02128, 0.05872), about (0.02, 0.06); McNemar z = 64 / sqrt(236) = 4.17.
        // With 1600 questions the percentile bootstrap should land within 0.003 of the Wald limits.
        double[] first = pairs(794, 150, 86, 570, true);
        double[] second = pairs(794, 150, 86, 570, false);

        PairedComparison c = PairedComparison.of(first, second, PairedComparison.Settings.withSeed(20070801).withResamples(10_000));

        assertThat(c.aOnly()).isEqualTo(150);
        assertThat(c.bOnly()).isEqualTo(86);
        assertThat(c.meanA()).isCloseTo(0.59, within(1e-12));
        assertThat(c.meanB()).isCloseTo(0.55, within(1e-12));
        assertThat(c.difference()).isCloseTo(0.04, within(1e-12));
        assertThat(c.interval().low()).isCloseTo(0.02128, within(0.003));
        assertThat(c.interval().high()).isCloseTo(0.05872, within(0.003));
        // exact two-sided sign test of 86 of 236, computed with Python's exact integers:
        // 2 * sum(comb(236, i) for i in range(87)) / 2**236 = 3.7159e-05, the order of McNemar's z = 4.17 (p = 3.1e-05)
        assertThat(c.pValue()).isCloseTo(3.7159e-05, within(1e-9));
    }

    @Test
    void noDiscordantQuestionGivesPOneAndNoDifference() {
        double[] same = {1, 0, 1, 1, 0.5, 0};

        PairedComparison c = PairedComparison.of(same, same.clone(), SEED_7);

        assertThat(c.pValue()).isEqualTo(1.0);
        assertThat(c.difference()).isZero();
        assertThat(c.aOnly()).isZero();
        assertThat(c.bOnly()).isZero();
        assertThat(c.interval()).isEqualTo(new Interval(0, 0));
        // psi = 0: nothing says how often the systems would disagree, so no detectable difference is defined
        assertThat(c.minimumDetectableDifference()).isNull();
    }

    @Test
    void questionsWithSeveralSamplesCompareTheirShares() {
        // A passes 2 of 3 samples of question 0 and B 1 of 3: question 0 favours A, whatever the single samples
        double[] a = {2 / 3.0, 1, 0, 0.5};
        double[] b = {1 / 3.0, 1, 0.25, 0.5};

        PairedComparison c = PairedComparison.of(a, b, SEED_7);

        assertThat(c.aOnly()).isEqualTo(1);
        assertThat(c.bOnly()).isEqualTo(1);
        assertThat(c.pValue()).isEqualTo(1.0);
        // means are over questions: (2/3 + 1 + 0 + 0.5) / 4 and (1/3 + 1 + 0.25 + 0.5) / 4
        assertThat(c.meanA()).isCloseTo(13 / 24.0, within(1e-15));
        assertThat(c.meanB()).isCloseTo(25 / 48.0, within(1e-15));
    }

    @Test
    void theBootstrapIsDeterministicForASeed() {
        double[] a = randomOutcomes(500, 0.7, 1);
        double[] b = randomOutcomes(500, 0.65, 2);

        PairedComparison first = PairedComparison.of(a, b, SEED_7);
        PairedComparison again = PairedComparison.of(a, b, SEED_7);
        PairedComparison otherSeed = PairedComparison.of(a, b, PairedComparison.Settings.withSeed(8));

        assertThat(again).isEqualTo(first);
        assertThat(otherSeed.interval()).isNotEqualTo(first.interval());
        assertThat(otherSeed.difference()).isEqualTo(first.difference());
    }

    @Test
    void theMinimumDetectableDifferenceIsConnorsForTheObservedDiscordance() {
        // the 21 children above: psi = 8/21 discordant; by the closed form of Connor's formula (see Connor),
        // delta = [a s + b sqrt(psi (s^2 + b^2) - a^2)] / (s^2 + b^2) with s^2 = 21, a = 1.959964 sqrt(8/21),
        // b = 0.841621: 0.35651
        PairedComparison c = PairedComparison.of(pairs(1, 7, 1, 12, true), pairs(1, 7, 1, 12, false), SEED_7);

        assertThat(c.minimumDetectableDifference()).isCloseTo(0.35651, within(1e-5));
        assertThat(Connor.sampleSize(8 / 21.0, c.minimumDetectableDifference(), 0.05, 0.8)).isCloseTo(21, within(1e-9));
        // 3 questions are fewer than z^2 = 3.84: not even delta = sqrt(psi) is detectable
        assertThat(PairedComparison.of(new double[] {1, 1, 1}, new double[] {0, 0, 0}, SEED_7).minimumDetectableDifference()).isNull();
    }

    @Test
    void invalidInputsAreNamedWithTheirValue() {
        assertThatThrownBy(() -> PairedComparison.of(new double[] {0.5, 1.5}, new double[] {0, 0}, SEED_7))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("shareA[1] must be in [0, 1] but was 1.5");
        assertThatThrownBy(() -> PairedComparison.of(new double[] {0.5}, new double[] {Double.NaN}, SEED_7))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("shareB[0] must be in [0, 1] but was NaN");
        assertThatThrownBy(() -> PairedComparison.of(new double[] {1, 0}, new double[] {1}, SEED_7))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("shareA and shareB must have the same length (one entry per question) but had 2 and 1");
        assertThatThrownBy(() -> PairedComparison.of(new double[0], new double[0], SEED_7))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("shareA and shareB must not be empty");
        assertThatThrownBy(() -> new PairedComparison.Settings(2_000, 1, 1.5, 0.8))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("alpha must be in (0, 1) but was 1.5");
        assertThatThrownBy(() -> new PairedComparison.Settings(2_000, 1, 0.05, 0.3))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("power must be in [0.5, 1) but was 0.3");
        assertThatThrownBy(() -> new PairedComparison.Settings(10, 1, 0.05, 0.8))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("resamples must be at least 100 but was 10");
    }

    /**
     * One system's outcomes on the questions of a paired 2x2 table, in the order both/first only/second
     * only/neither: the first system's when {@code first}, else the second's.
     */
    static double[] pairs(int both, int firstOnly, int secondOnly, int neither, boolean first) {
        double[] out = new double[both + firstOnly + secondOnly + neither];
        Arrays.fill(out, 0, both, 1);
        if (first) {
            Arrays.fill(out, both, both + firstOnly, 1);
        } else {
            Arrays.fill(out, both + firstOnly, both + firstOnly + secondOnly, 1);
        }
        return out;
    }

    static double[] randomOutcomes(int n, double rate, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = random.nextDouble() < rate ? 1 : 0;
        }
        return out;
    }
}
