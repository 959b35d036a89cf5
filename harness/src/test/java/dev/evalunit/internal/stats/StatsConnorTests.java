package dev.evalunit.internal.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class StatsConnorTests {

    @Test
    void sampleSizeMatchesThePublishedMcNemarCalculatorExample() {
        // HyLown powerandsamplesize.com, "Compare Paired Proportions: McNemar's Z-test, 2-Sided Equality"
        // (mirrored at zarathucorp.github.io/open-powersamplesize, calculator/compare-paired-proportions/
        // mcnemar-2-sided), citing Connor (1987) p. 209. Its R code: p01 = 0.45, p10 = 0.05, alpha = 0.05,
        // beta = 0.20; pdisc = 0.5, pdiff = -0.4;
        // n = ((qnorm(1-alpha/2)*sqrt(pdisc) + qnorm(1-beta)*sqrt(pdisc-pdiff^2)) / pdiff)^2; ceiling(n) # 23
        double n = Connor.sampleSize(0.5, 0.4, 0.05, 0.8);

        assertThat(Math.ceil(n)).isEqualTo(23);
        // by hand: (1.959964 x 0.707107 + 0.841621 x 0.583095) / 0.4 = 4.691623, squared 22.0113
        assertThat(n).isCloseTo(22.0113, within(1e-4));
    }

    @Test
    void solvingForTheDifferenceAtThatSampleSizeReturnsTheExamplesDifference() {
        double n = Connor.sampleSize(0.5, 0.4, 0.05, 0.8);

        assertThat(Connor.minimumDetectableDifference(n, 0.5, 0.05, 0.8)).isCloseTo(0.4, within(1e-12));
        // the 23 pairs the calculator rounds up to detect a little less than 0.4, and that delta needs 23 pairs
        Double at23 = Connor.minimumDetectableDifference(23, 0.5, 0.05, 0.8);
        assertThat(at23).isLessThan(0.4).isCloseTo(0.39223, within(1e-5));
        assertThat(Connor.sampleSize(0.5, at23, 0.05, 0.8)).isCloseTo(23, within(1e-9));
    }

    @Test
    void theDetectableDifferenceIsUndefinedWithoutDiscordanceOrWithTooFewPairs() {
        assertThat(Connor.minimumDetectableDifference(1_000, 0, 0.05, 0.8)).isNull();
        // z(0.975)^2 = 3.8415 pairs detect at most delta = sqrt(psi), every discordant pair one way
        double z2 = Proportions.z(0.95) * Proportions.z(0.95);
        assertThat(Connor.minimumDetectableDifference(z2, 0.25, 0.05, 0.8)).isCloseTo(0.5, within(1e-9));
        assertThat(Connor.minimumDetectableDifference(3, 0.25, 0.05, 0.8)).isNull();
    }

    @Test
    void moreQuestionsDetectSmallerDifferences() {
        double previous = 1;
        for (int n = 10; n <= 100_000; n *= 10) {
            double delta = Connor.minimumDetectableDifference(n, 0.3, 0.05, 0.8);
            assertThat(delta).isLessThan(previous);
            previous = delta;
        }
    }

    @Test
    void invalidArgumentsAreNamedWithTheirValue() {
        assertThatThrownBy(() -> Connor.sampleSize(0.5, 0.8, 0.05, 0.8))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("delta must be in (0, sqrt(psi)]");
        assertThatThrownBy(() -> Connor.minimumDetectableDifference(100, 0.5, 0.05, 1.0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("power must be in [0.5, 1) but was 1.0");
        assertThatThrownBy(() -> Connor.minimumDetectableDifference(100, 0.5, -0.1, 0.8))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("alpha must be in (0, 1) but was -0.1");
    }
}
