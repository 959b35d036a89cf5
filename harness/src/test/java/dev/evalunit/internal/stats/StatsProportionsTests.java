package dev.evalunit.internal.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class StatsProportionsTests {

    @Test
    void wilsonMatchesNewcombesTableOne() {
        // Newcombe R.G. (1998), "Two-sided confidence intervals for the single proportion: comparison of seven
        // methods", Statistics in Medicine 17:857-872, Table I, method 3 (score, no continuity correction):
        // 81/263 -> 0.2553 to 0.3662, 15/148 -> 0.0624 to 0.1605, 0/20 -> 0 to 0.1611, 1/29 -> 0.0061 to 0.1718.
        // (Recomputed to four decimals from Wilson's formula with z = 1.959964; they agree.)
        assertInterval(Proportions.wilson(81, 263, 0.95), 0.2553, 0.3662);
        assertInterval(Proportions.wilson(15, 148, 0.95), 0.0624, 0.1605);
        assertInterval(Proportions.wilson(0, 20, 0.95), 0.0, 0.1611);
        assertInterval(Proportions.wilson(1, 29, 0.95), 0.0061, 0.1718);
    }

    @Test
    void wilsonMatchesTheContingencyTablesReferenceImplementation() {
        // Fagerland, Lydersen & Laake, R package contingencytables (companion of "Statistical Analysis of
        // Contingency Tables", 2017), tests/testthat/test-ch2.R: Wilson_score_CI_1x2(X = 13, n = 16)
        // prints "estimate = 0.8125 (95% CI 0.5699 to 0.9341)"
        assertInterval(Proportions.wilson(13, 16, 0.95), 0.5699, 0.9341);
    }

    @Test
    void wilsonIsExactlyZeroOrOneAtTheEndsAndAllOfTheRangeWithoutData() {
        assertThat(Proportions.wilson(0, 20, 0.95).low()).isEqualTo(0.0);
        assertThat(Proportions.wilson(29, 29, 0.95).high()).isEqualTo(1.0);
        // 29/29: the mirror of 0/29, whose upper limit is z^2 / (n + z^2) = 3.8415 / 32.8415 = 0.1170
        assertThat(Proportions.wilson(29, 29, 0.95).low()).isCloseTo(1 - 0.1170, within(1e-4));
        assertThat(Proportions.wilson(0, 0, 0.95)).isEqualTo(new Interval(0, 1));
    }

    @Test
    void wilsonTakesFractionalCountsAsEffectiveSampleSizesAre() {
        // 2.5 of 5 is centred at 1/2 exactly, by symmetry of the score interval
        Interval half = Proportions.wilson(2.5, 5, 0.95);
        assertThat((half.low() + half.high()) / 2).isCloseTo(0.5, within(1e-15));
        assertThat(Proportions.wilson(2.5, 5, 0.95).width()).isGreaterThan(Proportions.wilson(5, 10, 0.95).width());
    }

    @Test
    void zIsTheTwoSidedNormalQuantile() {
        // R: qnorm(0.975) prints 1.959964; to double precision 1.959963984540054
        assertThat(Proportions.z(0.95)).isCloseTo(1.959963984540054, within(1e-15));
        // R: qnorm(0.995) prints 2.575829
        assertThat(Proportions.z(0.99)).isCloseTo(2.575829, within(1e-6));
        // R: qnorm(0.8) prints 0.8416212
        assertThat(Proportions.quantile(0.8)).isCloseTo(0.8416212, within(1e-7));
    }

    @Test
    void invalidArgumentsAreNamedWithTheirValue() {
        assertThatThrownBy(() -> Proportions.wilson(1, 10, 1.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("confidence must be in (0, 1) but was 1.5");
        assertThatThrownBy(() -> Proportions.wilson(11, 10, 0.95))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("successes must be in [0, n] = [0, 10.0] but was 11.0");
        assertThatThrownBy(() -> Proportions.wilson(0, -1, 0.95))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("n must be finite and >= 0 but was -1.0");
        assertThatThrownBy(() -> Proportions.wilson(Double.NaN, 10, 0.95))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("but was NaN");
        assertThatThrownBy(() -> new Interval(0.3, 0.2))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("low must not exceed high but the interval was [0.3, 0.2]");
    }

    static void assertInterval(Interval interval, double low, double high) {
        assertThat(interval.low()).as("low").isCloseTo(low, within(5e-5));
        assertThat(interval.high()).as("high").isCloseTo(high, within(5e-5));
    }
}
