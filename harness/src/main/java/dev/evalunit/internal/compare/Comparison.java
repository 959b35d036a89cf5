package dev.evalunit.internal.compare;

import static org.apiguardian.api.API.Status.INTERNAL;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.evalunit.internal.stats.Interval;
import java.util.List;
import org.apiguardian.api.API;

/**
 * One measure of one test compared between two sides (two runs, two temperatures or two models) over the
 * questions both answered, paired by question. Immutable.
 *
 * @param suite       the suite
 * @param test        the test, {@code Class.method}
 * @param where       what both sides share: {@code T=0.5} for runs or models compared, the model for temperatures
 * @param measure     {@code accuracy}, a score's name, or a {@code @Metric}'s
 * @param kind        {@code proportion} (accuracy, a 0/1 score: the full paired treatment), {@code mean} (a score
 *                    of other values) or {@code metric} (a {@code @Metric} computed from the means): the latter two
 *                    have an interval but no test
 * @param a           side A's label (the reference: the baseline, the first run, T=0.0)
 * @param b           side B's label
 * @param questions   questions both sides answered (and, for a score, recorded it)
 * @param valueA      A's value over those questions, each question weighing the same (its samples averaged)
 * @param valueB      B's value
 * @param difference  {@code valueB - valueA}
 * @param ci95        the paired bootstrap 95 % interval of the difference, resampling questions with their samples
 * @param aBetter     questions where A did better (for a proportion: passed where B did not), or {@code null}
 * @param bBetter     questions where B did better, or {@code null}
 * @param pValue      the exact test on those questions (McNemar's exact test with one sample per question, the
 *                    exact sign test with several), two-sided; {@code null} for a mean or a metric
 * @param pHolm       {@code pValue} adjusted by Holm's method over every comparison of the report
 * @param detectable  the smallest difference these questions detect at 80 % power and the report's alpha
 *                    (Connor 1987), or {@code null} when not defined (no question differs, too few questions)
 * @param invocationsA A's invocations in this cell, every question
 * @param unscoredA    of those, ended without a verdict (aborted, error, skipped): not in the figures
 * @param invocationsB B's invocations
 * @param unscoredB    B's without a verdict
 * @param flips        for accuracy, the questions whose result differs, in natural order (h2 before h10)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@API(status = INTERNAL, since = "0.1")
public record Comparison(String suite, String test, String where, String measure, String kind, String a, String b,
                         int questions, double valueA, double valueB, double difference, Interval ci95,
                         Integer aBetter, Integer bBetter, Double pValue, Double pHolm, Double detectable,
                         long invocationsA, long unscoredA, long invocationsB, long unscoredB, List<String> flips) {

    public static final String PROPORTION = "proportion";

    public Comparison {
        flips = flips == null ? null : List.copyOf(flips);
    }

    Comparison withHolm(double adjusted) {
        return new Comparison(suite, test, where, measure, kind, a, b, questions, valueA, valueB, difference, ci95,
                aBetter, bBetter, pValue, adjusted, detectable, invocationsA, unscoredA, invocationsB, unscoredB, flips);
    }

    /** Whether B is worse than A beyond {@code margin} with a Holm-adjusted p below {@code alpha}: a regression. */
    public boolean worse(double alpha, double margin) {
        return pHolm != null && pHolm < alpha && difference < -margin;
    }
}
