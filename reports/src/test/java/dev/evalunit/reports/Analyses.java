package dev.evalunit.reports;

import dev.evalunit.reports.AnalysisFile.Category;
import dev.evalunit.reports.AnalysisFile.Interval;
import dev.evalunit.reports.AnalysisFile.Score;
import dev.evalunit.reports.AnalysisFile.Suite;
import dev.evalunit.reports.AnalysisFile.Temperature;
import dev.evalunit.reports.AnalysisFile.Test;
import java.util.List;
import java.util.Map;

/** Small analyses built in code, with figures derived from counts the way the harness derives them. */
final class Analyses {

    private Analyses() {
    }

    /** One sample per question: no agreement. */
    static Temperature temperature(double t, long answered, long passed) {
        return temperature(t, answered, passed, 0, null, Map.of(), Map.of());
    }

    static Temperature temperature(double t, long answered, long passed, long errors, Double agreement,
                                   Map<String, Score> scores, Map<String, Category> categories) {
        Double accuracy = answered == 0 ? null : (double) passed / answered;
        return new Temperature(t, answered + errors, answered, passed, errors, accuracy, wilson(passed, answered),
                agreement, agreement == null ? 0 : answered, scores, categories);
    }

    static Category category(long answered, long passed) {
        return new Category(answered, passed, answered == 0 ? null : (double) passed / answered);
    }

    static Score score(long n, double mean) {
        return new Score(n, mean, new Interval(Math.max(0, mean - 0.05), Math.min(1, mean + 0.05)));
    }

    static Test test(String name, Temperature... temperatures) {
        return new Test(name, List.of(temperatures), null);
    }

    static AnalysisFile analysis(String suite, Test... tests) {
        return new AnalysisFile(List.of(new Suite(suite, List.of(tests))), Map.of());
    }

    /** The 95 % Wilson score interval, as the harness computes it. */
    static Interval wilson(long successes, long n) {
        if (n == 0) {
            return new Interval(0, 1);
        }
        double z = 1.959963984540054;
        double p = (double) successes / n;
        double centre = (p + z * z / (2 * n)) / (1 + z * z / n);
        double half = z / (1 + z * z / n) * Math.sqrt(p * (1 - p) / n + z * z / (4.0 * n * n));
        return new Interval(Math.max(0, centre - half), Math.min(1, centre + half));
    }
}
