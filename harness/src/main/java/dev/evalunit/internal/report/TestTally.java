package dev.evalunit.internal.report;

import dev.evalunit.internal.report.Analysis.CategoryFigures;
import dev.evalunit.internal.report.Analysis.ScoreFigures;
import dev.evalunit.internal.report.Analysis.TemperatureAnalysis;
import dev.evalunit.internal.report.Analysis.TestFigures;
import dev.evalunit.internal.report.InvocationResult.Outcome;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * Everything the analysis keeps of one benchmark test (of one model, when the run compares several) while the run
 * goes on: a tally per temperature and
 * category, and each question's samples per temperature; and the test's figures made from them.
 * Thread-safe: every method holds the tally's lock, since test threads add to one test concurrently.
 */
final class TestTally {

    private final Map<Double, TemperatureTally> temperatures = new HashMap<>();
    /** Each question's samples, one per temperature it was asked at: an array, since most have one or two. */
    private final Map<String, QuestionSamples[]> questions = new HashMap<>();

    /** The tally of one temperature: its answered invocations, plus what has no answer, and its categories. */
    private static final class TemperatureTally extends AnsweredTally {
        long invocations;
        long errors;
        final Map<String, AnsweredTally> categories = new TreeMap<>();
    }

    synchronized void add(InvocationResult r) {
        double t = r.temperature() + 0.0;
        TemperatureTally cell = temperatures.computeIfAbsent(t, x -> new TemperatureTally());
        cell.invocations++;
        if (r.status() == Outcome.ERROR) {
            cell.errors++;
        }
        boolean answered = r.status() == Outcome.PASSED || r.status() == Outcome.FAILED;
        if (!answered) {
            return;
        }
        boolean passed = r.status() == Outcome.PASSED;
        cell.add(passed, r.scores());
        if (r.category() != null) {
            cell.categories.computeIfAbsent(r.category(), x -> new AnsweredTally()).add(passed, r.scores());
        }
        QuestionSamples q = samples(r.questionId(), t);
        q.answered++;
        if (passed) {
            q.passed++;
        }
        q.addScores(r.scores());
        String compared = r.comparedAnswer();
        if (compared != null) {
            q.add(RunSummary.normalize(compared));
        }
    }

    private QuestionSamples samples(String questionId, double t) {
        QuestionSamples[] byT = questions.get(questionId);
        if (byT != null) {
            for (QuestionSamples q : byT) {
                if (q.temperature == t) {
                    return q;
                }
            }
        }
        QuestionSamples added = new QuestionSamples(t);
        QuestionSamples[] grown = byT == null ? new QuestionSamples[1] : Arrays.copyOf(byT, byT.length + 1);
        grown[grown.length - 1] = added;
        questions.put(questionId, grown);
        return added;
    }

    /** Per temperature, the sum of modal shares and the number of questions with two or more answers. */
    synchronized Map<Double, double[]> agreementSums() {
        Map<Double, double[]> agreement = new HashMap<>();
        for (QuestionSamples[] byT : questions.values()) {
            for (QuestionSamples q : byT) {
                if (q.answered >= 2 && q.hasAnswers()) {
                    double[] acc = agreement.computeIfAbsent(q.temperature, x -> new double[2]);
                    acc[0] += (double) q.modalCount() / q.answered;
                    acc[1]++;
                }
            }
        }
        return agreement;
    }

    /**
     * The test's figures so far, one row per temperature in ascending order, with {@code metrics} evaluated; of
     * {@code model}, when the run compares several ({@code null} when it asks one).
     */
    synchronized TestFigures figures(String test, String model,
                                     Map<String, ToDoubleFunction<Map<String, Double>>> metrics) {
        Map<Double, double[]> agreement = agreementSums();
        List<TemperatureAnalysis> rows = new ArrayList<>();
        new TreeMap<>(temperatures).forEach((t, c) -> {
            double[] acc = agreement.get(t);
            List<QuestionSamples> atT = new ArrayList<>();
            questions.values().forEach(byT -> {
                for (QuestionSamples q : byT) {
                    if (q.temperature == t && q.answered > 0) {
                        atT.add(q);
                    }
                }
            });
            Map<String, ScoreFigures> scores = new TreeMap<>();
            c.scores.forEach((name, m) -> scores.put(name, m.figures(ClusteredIntervals.score(atT, name, m.binary))));
            Map<String, CategoryFigures> categories = new TreeMap<>();
            c.categories.forEach((name, v) -> {
                Map<String, Double> means = v.means();
                MetricValues m = MetricValues.of(metrics, v.accuracy(), means);
                categories.put(name, new CategoryFigures(v.answered, v.passed, v.accuracy(), means, m.values(),
                        m.notDefined()));
            });
            MetricValues m = MetricValues.of(metrics, c.accuracy(), c.means());
            rows.add(new TemperatureAnalysis(t, c.invocations, c.answered, c.passed, c.errors,
                    c.accuracy(), ClusteredIntervals.accuracy(atT),
                    acc == null ? null : acc[0] / acc[1], acc == null ? 0 : (long) acc[1], scores, categories,
                    m.values(), m.notDefined()));
        });
        return new TestFigures(test, model, rows, AnswerFlips.of(questions));
    }
}
