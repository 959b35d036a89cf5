package dev.evalunit.internal.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class StatsClusteredProportionTests {

    @Test
    void oneSamplePerQuestionIsTheWilsonIntervalOfThePlainCount() {
        // 81 of 263 questions passed, one sample each: Newcombe (1998) Table I's 81/263 -> 0.2553 to 0.3662
        int[] passed = new int[263];
        Arrays.fill(passed, 0, 81, 1);
        int[] samples = ones(263);

        ClusteredProportion c = ClusteredProportion.of(passed, samples, 0.95);

        assertThat(c.share()).isCloseTo(81 / 263.0, within(1e-15));
        assertThat(c.effectiveSize()).isCloseTo(263, within(1e-9));
        assertSameInterval(c.interval(), Proportions.wilson(81, 263, 0.95));
        StatsProportionsTests.assertInterval(c.interval(), 0.2553, 0.3662);
    }

    @Test
    void questionsWhoseSamplesAgreeCountOnceEach() {
        // 30 questions of 5 samples each: 12 passed all five, 18 failed all five. The 150 samples carry the
        // information of 30 questions, so the interval is Wilson's 12 of 30, not 60 of 150.
        int[] passed = new int[30];
        Arrays.fill(passed, 0, 12, 5);
        int[] samples = new int[30];
        Arrays.fill(samples, 5);

        ClusteredProportion c = ClusteredProportion.of(passed, samples, 0.95);

        // by hand: p = 60/150 = 0.4; V = (12 x (5 - 2)^2 + 18 x (0 - 2)^2) / 150^2 = 180 / 22500 = 0.008;
        // n_eff = 0.4 x 0.6 / 0.008 = 30
        assertThat(c.variance()).isCloseTo(0.008, within(1e-15));
        assertThat(c.effectiveSize()).isCloseTo(30, within(1e-9));
        assertSameInterval(c.interval(), Proportions.wilson(12, 30, 0.95));
        assertThat(c.interval().width()).isGreaterThan(Proportions.wilson(60, 150, 0.95).width());
    }

    @Test
    void withNoVarianceEachQuestionCountsOnce() {
        // every question passed: V = 0, n_eff = Q = 8, Wilson(8, 8)
        ClusteredProportion all = ClusteredProportion.of(new int[] {3, 3, 3, 3, 3, 3, 3, 3}, new int[] {3, 3, 3, 3, 3, 3, 3, 3}, 0.95);
        assertThat(all.variance()).isZero();
        assertThat(all.effectiveSize()).isEqualTo(8);
        assertThat(all.interval()).isEqualTo(Proportions.wilson(8, 8, 0.95));
        assertThat(all.interval().high()).isEqualTo(1.0);

        // every question passed one sample in three: p = 1/3 has no exact binary form, yet V is exactly 0
        ClusteredProportion same = ClusteredProportion.of(new int[] {1, 1, 1, 1, 1, 1, 1}, new int[] {3, 3, 3, 3, 3, 3, 3}, 0.95);
        assertThat(same.variance()).isZero();
        assertThat(same.effectiveSize()).isEqualTo(7);
        assertSameInterval(same.interval(), Proportions.wilson(7 / 3.0, 7, 0.95));
    }

    @Test
    void mixedQuestionsGiveAnEffectiveSizeBetweenQuestionsAndSamples() {
        // by hand, 4 questions of 4 samples passing 4, 4, 0, 2: P = 10, S = 16, p = 0.625;
        // residuals passed_q - p m_q = 1.5, 1.5, -2.5, -0.5; squares sum to 2.25 + 2.25 + 6.25 + 0.25 = 11;
        // V = 11 / 16^2 = 0.04296875; n_eff = 0.625 x 0.375 / V = 0.234375 x 256 / 11 = 60/11 = 5.4545
        ClusteredProportion c = ClusteredProportion.of(new int[] {4, 4, 0, 2}, new int[] {4, 4, 4, 4}, 0.95);

        assertThat(c.questions()).isEqualTo(4);
        assertThat(c.passed()).isEqualTo(10);
        assertThat(c.samples()).isEqualTo(16);
        assertThat(c.variance()).isCloseTo(11 / 256.0, within(1e-15));
        assertThat(c.effectiveSize()).isCloseTo(60 / 11.0, within(1e-12));
        assertSameInterval(c.interval(), Proportions.wilson(0.625 * 60 / 11, 60 / 11.0, 0.95));
    }

    @Test
    void theEffectiveSizeIsNeverAboveTheSamples() {
        // by hand, passing 1/2, 1/2, 2/2: P = 4, S = 6, p = 2/3; residuals -1/3, -1/3, 2/3 square to 6/9;
        // V = (2/3) / 36 = 1/54; p (1 - p) / V = (2/9) x 54 = 12 > 6 samples, so n_eff = 6: Wilson(4, 6)
        ClusteredProportion c = ClusteredProportion.of(new int[] {1, 1, 2}, new int[] {2, 2, 2}, 0.95);

        assertThat(c.variance()).isCloseTo(1 / 54.0, within(1e-15));
        assertThat(c.effectiveSize()).isEqualTo(6);
        assertSameInterval(c.interval(), Proportions.wilson(4, 6, 0.95));
    }

    @Test
    void invalidInputsAreNamedWithTheirValue() {
        assertThatThrownBy(() -> ClusteredProportion.of(new int[] {1, 2}, new int[] {3}, 0.95))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("passed and samples must have the same length (one entry per question) but had 2 and 1");
        assertThatThrownBy(() -> ClusteredProportion.of(new int[0], new int[0], 0.95))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("passed and samples must not be empty");
        assertThatThrownBy(() -> ClusteredProportion.of(new int[] {0}, new int[] {0}, 0.95))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("samples[0] must be at least 1 but was 0");
        assertThatThrownBy(() -> ClusteredProportion.of(new int[] {1, 4}, new int[] {3, 3}, 0.95))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("passed[1] must be in [0, samples[1]] = [0, 3] but was 4");
        assertThatThrownBy(() -> ClusteredProportion.of(new int[] {1}, new int[] {3}, 0.0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("confidence must be in (0, 1) but was 0.0");
    }

    static int[] ones(int n) {
        int[] a = new int[n];
        Arrays.fill(a, 1);
        return a;
    }

    static void assertSameInterval(Interval actual, Interval expected) {
        assertThat(actual.low()).as("low").isCloseTo(expected.low(), within(1e-12));
        assertThat(actual.high()).as("high").isCloseTo(expected.high(), within(1e-12));
    }
}
