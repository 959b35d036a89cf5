package dev.evalunit.internal.report;

import dev.evalunit.internal.report.Analysis.Interval;
import dev.evalunit.internal.report.Analysis.ScoreFigures;
import java.util.Map;
import java.util.TreeMap;

/**
 * The answered invocations of a temperature, or of a category in it: how many passed, and each score's
 * count and mean. Not final: the tally of a whole temperature adds what only it counts ({@link TestTally}).
 * Not thread-safe: its {@link TestTally} guards it.
 */
class AnsweredTally {

    long answered;
    long passed;
    final Map<String, Moments> scores = new TreeMap<>();

    void add(boolean pass, Map<String, Double> recorded) {
        answered++;
        if (pass) {
            passed++;
        }
        recorded.forEach((name, value) -> scores.computeIfAbsent(name, n -> new Moments()).add(value));
    }

    Double accuracy() {
        return answered == 0 ? null : (double) passed / answered;
    }

    Map<String, Double> means() {
        Map<String, Double> means = new TreeMap<>();
        scores.forEach((name, m) -> means.put(name, m.mean));
        return means;
    }

    /**
     * Count and mean of a score, and whether every value was 0 or 1 (a yes/no score, whose interval is then
     * a proportion's). The mean is kept running, so a score costs three fields however many invocations record it.
     */
    static final class Moments {
        long n;
        double mean;
        boolean binary = true;

        void add(double x) {
            n++;
            mean += (x - mean) / n;
            if (x != 0.0 && x != 1.0) {
                binary = false;
            }
        }

        /** The mean over invocations, with {@code interval} computed over questions. */
        ScoreFigures figures(Interval interval) {
            return new ScoreFigures(n, mean, interval != null ? interval : new Interval(mean, mean));
        }
    }
}
