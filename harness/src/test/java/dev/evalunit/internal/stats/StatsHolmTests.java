package dev.evalunit.internal.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class StatsHolmTests {

    @Test
    void adjustsWikipediasFourHypothesesAsRDoes() {
        // Wikipedia, "Holm-Bonferroni method", section Procedure, example: four hypotheses at alpha = 0.05 with
        // unadjusted p-values 0.01, 0.03, 0.04 and 0.005; hypotheses one and four are rejected, two and three
        // are not. R's p.adjust (src/library/stats/R/p.adjust.R: pmin(1, cummax((n - i + 1L) * p[o]))[ro])
        // gives, step by step: sorted 0.005, 0.01, 0.03, 0.04 times 4, 3, 2, 1 = 0.02, 0.03, 0.06, 0.04;
        // running max 0.02, 0.03, 0.06, 0.06; in input order p.adjust(c(0.01, 0.03, 0.04, 0.005), "holm")
        // = 0.03 0.06 0.06 0.02
        double[] adjusted = Holm.adjust(new double[] {0.01, 0.03, 0.04, 0.005});

        assertThat(adjusted).containsExactly(new double[] {0.03, 0.06, 0.06, 0.02}, within(1e-15));
        // rejecting where adjusted <= alpha is Holm's procedure: the same two rejections as Wikipedia's
        assertThat(adjusted[0]).isLessThanOrEqualTo(0.05);
        assertThat(adjusted[3]).isLessThanOrEqualTo(0.05);
        assertThat(adjusted[1]).isGreaterThan(0.05);
        assertThat(adjusted[2]).isGreaterThan(0.05);
        // GeeksforGeeks, "Holm-Bonferroni Method", lists the same example as H1..H4 = 0.01, 0.04, 0.03, 0.005:
        // p.adjust(c(0.01, 0.04, 0.03, 0.005), "holm") = 0.03 0.06 0.06 0.02 by the same steps
        assertThat(Holm.adjust(new double[] {0.01, 0.04, 0.03, 0.005}))
                .containsExactly(new double[] {0.03, 0.06, 0.06, 0.02}, within(1e-15));
    }

    @Test
    void keepsTheOrderOfTheRawValuesAndCapsAtOne() {
        // by hand: sorted 0.3, 0.4, 0.5 times 3, 2, 1 = 0.9, 0.8, 0.5; running max 0.9 for all three
        assertThat(Holm.adjust(new double[] {0.5, 0.4, 0.3})).containsExactly(new double[] {0.9, 0.9, 0.9}, within(1e-15));
        // 2 x 0.6 = 1.2 is capped at 1, and the larger raw value may not come out below it
        assertThat(Holm.adjust(new double[] {0.6, 0.9})).containsExactly(1.0, 1.0);
        // ties share one adjusted value whatever order they sort in: 2 x 0.01 and max(0.02, 1 x 0.01)
        assertThat(Holm.adjust(new double[] {0.01, 0.01})).containsExactly(new double[] {0.02, 0.02}, within(1e-15));
        assertThat(Holm.adjust(new double[] {0.2})).containsExactly(0.2);
    }

    @Test
    void anEmptyFamilyHasNothingToAdjustAndABadValueIsNamed() {
        assertThat(Holm.adjust(new double[0])).isEmpty();
        assertThatThrownBy(() -> Holm.adjust(new double[] {0.01, 1.5}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("p[1] must be in [0, 1] but was 1.5");
        assertThatThrownBy(() -> Holm.adjust(new double[] {Double.NaN}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("p[0] must be in [0, 1] but was NaN");
    }
}
