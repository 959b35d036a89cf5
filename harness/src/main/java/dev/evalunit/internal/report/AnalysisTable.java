package dev.evalunit.internal.report;

import dev.evalunit.internal.client.ModelTraits;
import dev.evalunit.internal.compare.CompareText;
import dev.evalunit.internal.compare.Comparison;
import dev.evalunit.internal.report.Analysis.CategoryFigures;
import dev.evalunit.internal.report.Analysis.Flip;
import dev.evalunit.internal.report.Analysis.Interval;
import dev.evalunit.internal.report.Analysis.ScoreFigures;
import dev.evalunit.internal.report.Analysis.TemperatureAnalysis;
import dev.evalunit.internal.report.Analysis.TestFigures;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Renders an {@link Analysis.Report} as aligned text, one block per benchmark test (a run that compares models
 * shows each model's rows in the block, a {@code model} column first, and ends it with the models compared at each
 * temperature):
 *
 * <pre>
 * TruthfulQA · TruthfulQaMc1Benchmark.picksTheTrueOption
 *   T    answered  unscored  accuracy  95% CI       agree   mc2
 *   0.0  817       0         61.2%     57.8%–64.5%  100.0%  58.1% (56.0%–60.2%)
 *   accuracy by category, the 10 largest of 38 (all in the JSON):
 *     category        T=0.0          T=1.0
 *     Misconceptions  60.0% of 100   55.0% of 100
 *   flips: 120 of 817 questions answer differently across temperatures (64 pass at one and fail at another)
 *     tqa-0003  0.0=a  1.0=b
 * </pre>
 */
final class AnalysisTable {

    static final int SHOWN_CATEGORIES = 10;
    static final int SHOWN_FLIPS = 10;

    private AnalysisTable() {
    }

    static String render(Analysis.Report report) {
        StringBuilder out = new StringBuilder();
        for (Analysis.SuiteAnalysis suite : report.suites()) {
            Map<String, List<TestFigures>> byTest = new LinkedHashMap<>(); // a test's models, in the run's order
            suite.tests().forEach(t -> byTest.computeIfAbsent(t.test(), n -> new ArrayList<>()).add(t));
            byTest.forEach((name, models) -> {
                List<Row> rows = new ArrayList<>();
                models.forEach(m -> m.temperatures().forEach(t -> rows.add(new Row(m.model(), t))));
                if (rows.stream().allMatch(r -> r.t().answered() == 0)) {
                    return;
                }
                out.append(suite.suite()).append(" · ").append(name).append('\n');
                table(rows, out);
                categories(rows, out);
                models.forEach(m -> flips(m, out));
                comparisons(suite.suite(), name, report.temperatureComparisons(),
                        models.stream().map(TestFigures::model).toList(), out);
                modelComparisons(suite.suite(), name, report.modelComparisons(), out);
            });
        }
        return out.toString();
    }

    /** One row of a test's table: a temperature, of a model when the run compares several ({@code null} if not). */
    private record Row(String model, TemperatureAnalysis t) {
        /** {@code T=0.5}, or {@code gpt-4o-mini T=0.5}. */
        String label() {
            return (model == null ? "" : model + " ") + "T=" + Formats.temperature(t.temperature());
        }
    }

    /**
     * The models of a run that compares several, compared at each temperature on the same questions, every pair:
     * <pre>
     *   the models compared at each temperature on the same questions (paired by question; ...):
     *     T    compared                     measure   n    A      B      B-A       95% CI            A better  B better  ...
     *     0.0  gpt-4o-mini -> gpt-4.1-nano  accuracy  817  68.1%  64.3%  -3.8 pts  -6.9 to -0.7 pts  52        21        ...
     * </pre>
     */
    private static void modelComparisons(String suite, String test, List<Comparison> all, StringBuilder out) {
        List<Comparison> rows = all.stream().filter(c -> c.suite().equals(suite) && c.test().equals(test)).toList();
        if (rows.isEmpty()) {
            return;
        }
        out.append("  the models compared at each temperature on the same questions (paired by question; 95% CI: "
                + "bootstrap over questions; p: McNemar's exact test, Holm-adjusted over the run's model comparisons):\n");
        List<List<String>> table = new ArrayList<>();
        table.add(List.of("T", "compared", "measure", "n", "A", "B", "B-A", "95% CI", "A better", "B better",
                "p (Holm)", "detectable", "unscored A", "unscored B"));
        for (Comparison c : rows) {
            List<String> cells = CompareText.cells(c);
            table.add(List.of(c.where().startsWith("T=") ? c.where().substring(2) : c.where(), cells.get(1),
                    cells.get(2), cells.get(3), cells.get(4), cells.get(5), cells.get(6), cells.get(7), cells.get(8),
                    cells.get(9), cells.get(11), cells.get(12), cells.get(13), cells.get(14)));
        }
        aligned(table, "    ", out);
    }

    /**
     * The test's lowest temperature against each other one on the same questions:
     * <pre>
     *   against T=0.0 on the same questions (paired; 95% CI over questions; p: McNemar, Holm-adjusted):
     *     T    measure   n    T=0.0  T      change    95% CI            T=0.0 better  better  p (Holm)  detectable
     *     0.5  accuracy  817  68.1%  64.3%  -3.8 pts  -6.9 to -0.7 pts  52            21      0.0012    ±4.3 pts
     * </pre>
     */
    private static void comparisons(String suite, String test, List<Comparison> all, List<String> order,
                                    StringBuilder out) {
        // a run's models in its order, as in the table above (each compares its own temperatures)
        List<Comparison> rows = all.stream().filter(c -> c.suite().equals(suite) && c.test().equals(test))
                .sorted(Comparator.comparingInt(c -> order.contains(c.where()) ? order.indexOf(c.where())
                        : order.size())).toList();
        if (rows.isEmpty()) {
            return;
        }
        String reference = rows.get(0).a();
        out.append("  against ").append(reference).append(" on the same questions (paired by question; 95% CI: "
                + "bootstrap over questions; p: McNemar's exact test, Holm-adjusted over the run):\n");
        List<List<String>> table = new ArrayList<>();
        table.add(List.of("T", "measure", "n", reference, "at T", "change", "95% CI", reference + " better", "better",
                "p (Holm)", "detectable", "unscored"));
        boolean models = rows.stream().map(Comparison::where).distinct().count() > 1;
        for (Comparison c : rows) {
            List<String> cells = CompareText.cells(c);
            table.add(List.of(c.b().substring(2) + (models ? " " + c.where() : ""), c.measure(), cells.get(3),
                    cells.get(4), cells.get(5), cells.get(6), cells.get(7), cells.get(8), cells.get(9), cells.get(11),
                    cells.get(12), cells.get(14)));
        }
        aligned(table, "    ", out);
    }

    private static void table(List<Row> test, StringBuilder out) {
        boolean models = test.stream().anyMatch(r -> r.model() != null);
        TreeSet<String> scoreNames = new TreeSet<>();
        test.forEach(r -> scoreNames.addAll(r.t().scores().keySet()));
        List<List<String>> rows = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("T", "answered", "unscored", "accuracy", "95% CI", "agree"));
        if (models) {
            header.add(0, "model");
        }
        header.addAll(scoreNames);
        TreeSet<String> metricNames = new TreeSet<>();
        test.forEach(r -> {
            metricNames.addAll(r.t().metrics().keySet());
            metricNames.addAll(r.t().metricsNotDefined().keySet());
        });
        header.addAll(metricNames);
        rows.add(header);
        for (Row r : test) {
            TemperatureAnalysis t = r.t();
            long unscored = t.invocations() - t.answered() - t.errors(); // aborted or skipped: not in the accuracy
            List<String> row = new ArrayList<>(List.of(Formats.temperature(t.temperature()), Formats.count(t.answered()),
                    Formats.count(unscored), share(t.accuracy()), t.answered() == 0 ? "-" : interval(t.ci95()),
                    share(t.agreement())));
            if (models) {
                row.add(0, r.model() == null ? "-" : r.model());
            }
            for (String name : scoreNames) {
                ScoreFigures s = t.scores().get(name);
                row.add(s != null ? Formats.percent(s.mean()) + " (" + interval(s.ci95()) + ")"
                        : withoutLogprobs(test, r.model(), name) ? "n/a" : "-");
            }
            for (String name : metricNames) {
                Double m = t.metrics().get(name);
                row.add(m != null ? String.format(java.util.Locale.ROOT, "%.3f", m)
                        : t.metricsNotDefined().containsKey(name) ? "n/a" : "-");
            }
            rows.add(row);
        }
        aligned(rows, "  ", out);
        test.stream().map(Row::model).distinct().forEach(model -> scoreNames.stream()
                .filter(name -> withoutLogprobs(test, model, name))
                .forEach(name -> out.append("  ").append(name).append(" is not available for ").append(model)
                        .append(": none of its answers recorded it, and they carry no log probabilities to read it "
                                + "from\n")));
        for (Row r : test) {
            r.t().metricsNotDefined().forEach((name, why) -> out.append("  ").append(name).append(" is not defined at ")
                    .append(r.label()).append(": ").append(why).append('\n'));
        }
    }

    /**
     * Whether {@code score} was recorded for other models of the test and never for {@code model}, whose answers
     * carry no log probabilities (Anthropic's): a score read from them, not a failure of the model.
     */
    private static boolean withoutLogprobs(List<Row> test, String model, String score) {
        if (model == null || ModelTraits.of(model).logprobs()) {
            return false;
        }
        return test.stream().noneMatch(r -> model.equals(r.model()) && r.t().scores().containsKey(score))
                && test.stream().anyMatch(r -> r.t().scores().containsKey(score));
    }

    private static void categories(List<Row> test, StringBuilder out) {
        Map<String, long[]> totals = new TreeMap<>();
        test.forEach(r -> r.t().categories().forEach((name, c) -> totals.computeIfAbsent(name, n -> new long[1])[0]
                += c.answered()));
        if (totals.isEmpty()) {
            return;
        }
        List<String> largest = totals.entrySet().stream()
                .sorted(Comparator.<Map.Entry<String, long[]>>comparingLong(e -> -e.getValue()[0]).thenComparing(Map.Entry::getKey))
                .limit(SHOWN_CATEGORIES).map(Map.Entry::getKey).toList();
        out.append("  accuracy by category").append(totals.size() > largest.size()
                ? ", the " + largest.size() + " largest of " + totals.size() + " (all in the JSON):" : ":").append('\n');
        List<List<String>> rows = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("category"));
        test.forEach(r -> header.add(r.label()));
        rows.add(header);
        for (String name : largest) {
            List<String> row = new ArrayList<>(List.of(name));
            for (Row r : test) {
                CategoryFigures c = r.t().categories().get(name);
                row.add(c == null ? "-" : share(c.accuracy()) + " of " + c.answered());
            }
            rows.add(row);
        }
        aligned(rows, "    ", out);
    }

    private static void flips(TestFigures test, StringBuilder out) {
        Analysis.Flips flips = test.flips();
        if (flips.questions() == 0) {
            return;
        }
        out.append("  flips").append(test.model() == null ? "" : ", " + test.model()).append(": ")
                .append(Formats.count(flips.answerFlips())).append(" of ")
                .append(Formats.count(flips.questions()))
                .append(" questions answer differently across temperatures (")
                .append(Formats.count(flips.passFlips())).append(" pass at one and fail at another)\n");
        for (Flip flip : flips.flipped().stream().limit(SHOWN_FLIPS).toList()) {
            StringBuilder line = new StringBuilder("    ").append(flip.questionId());
            flip.answerByTemperature().forEach((t, a) -> line.append("  ").append(t).append('=').append(shorten(a)));
            out.append(line).append('\n');
        }
        if (flips.flipped().size() > SHOWN_FLIPS) {
            out.append("    … ").append(flips.flipped().size() - SHOWN_FLIPS).append(" more in the JSON\n");
        }
    }

    private static String shorten(String answer) {
        String oneLine = answer.replaceAll("\\s+", " ");
        return oneLine.length() <= 24 ? oneLine : oneLine.substring(0, 21) + "...";
    }

    private static String share(Double share) {
        return share == null ? "-" : Formats.percent(share);
    }

    private static String interval(Interval i) {
        return Formats.percent(i.low()) + "–" + Formats.percent(i.high());
    }

    private static void aligned(List<List<String>> rows, String indent, StringBuilder out) {
        CompareText.aligned(rows, indent, out);
    }
}
