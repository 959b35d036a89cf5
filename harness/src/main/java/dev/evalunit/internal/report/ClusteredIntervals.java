package dev.evalunit.internal.report;

import dev.evalunit.internal.report.Analysis.Interval;
import dev.evalunit.internal.stats.ClusteredProportion;
import java.util.ArrayList;
import java.util.List;

/**
 * The 95 % intervals of the analysis, computed over questions rather than invocations: the samples of one
 * question are not independent of each other, so counting them as such would make the intervals of a run
 * with samples too narrow. With one sample per question they are the usual ones. Stateless.
 */
final class ClusteredIntervals {

    private ClusteredIntervals() {
    }

    /**
     * The 95 % interval of the accuracy at one temperature: Wilson's at the effective number of questions
     * ({@link ClusteredProportion}); with one sample per question, Wilson's over the invocations.
     */
    static Interval accuracy(List<QuestionSamples> questions) {
        if (questions.isEmpty()) {
            return new Interval(0, 1);
        }
        int[] passed = new int[questions.size()];
        int[] answered = new int[questions.size()];
        for (int i = 0; i < passed.length; i++) {
            passed[i] = questions.get(i).passed;
            answered[i] = questions.get(i).answered;
        }
        return of(ClusteredProportion.of(passed, answered, 0.95).interval());
    }

    /**
     * The 95 % interval of a score's mean at one temperature: for a yes/no score Wilson's at the effective
     * number of questions, as {@link #accuracy}; for others the mean plus or minus z times the cluster-robust
     * standard error, {@code sqrt(Q/(Q-1) * sum_q (S_q - mean * n_q)^2) / N} (with one sample per question, the
     * usual {@code s / sqrt(n)}). {@code null} when no question recorded it.
     */
    static Interval score(List<QuestionSamples> questions, String score, boolean binary) {
        List<double[]> recorded = new ArrayList<>();
        for (QuestionSamples q : questions) {
            double[] s = q.scores == null ? null : q.scores.get(score);
            if (s != null && s[1] > 0) {
                recorded.add(s);
            }
        }
        if (recorded.isEmpty()) {
            return null;
        }
        if (binary) {
            int[] ones = new int[recorded.size()];
            int[] n = new int[recorded.size()];
            for (int i = 0; i < ones.length; i++) {
                ones[i] = (int) recorded.get(i)[0];
                n[i] = (int) recorded.get(i)[1];
            }
            return of(ClusteredProportion.of(ones, n, 0.95).interval());
        }
        double sum = 0;
        double count = 0;
        for (double[] s : recorded) {
            sum += s[0];
            count += s[1];
        }
        double mean = sum / count;
        int q = recorded.size();
        if (q < 2) {
            return new Interval(mean, mean);
        }
        double squares = 0;
        for (double[] s : recorded) {
            double residual = s[0] - mean * s[1];
            squares += residual * residual;
        }
        double half = Analysis.Z95 * Math.sqrt((double) q / (q - 1) * squares) / count;
        return new Interval(mean - half, mean + half);
    }

    /** The statistics package's interval as the report's, which the JSON and the table show. */
    static Interval of(dev.evalunit.internal.stats.Interval interval) {
        return new Interval(interval.low(), interval.high());
    }
}
