package dev.evalunit.internal.report;

import dev.evalunit.internal.report.Analysis.CategoryFigures;
import dev.evalunit.internal.report.Analysis.Flip;
import dev.evalunit.internal.report.Analysis.Interval;
import dev.evalunit.internal.report.Analysis.ScoreFigures;
import dev.evalunit.internal.report.Analysis.TemperatureAnalysis;
import dev.evalunit.internal.report.Analysis.TestFigures;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Renders an {@link Analysis.Report} as aligned text, one block per benchmark test:
 *
 * <pre>
 * TruthfulQA · TruthfulQaMc1Benchmark.picksTheTrueOption
 *   T    answered  accuracy  95% CI       agree   mc2
 *   0.0  817       61.2%     57.8%–64.5%  100.0%  58.1% (56.0%–60.2%)
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
            for (TestFigures test : suite.tests()) {
                if (test.temperatures().stream().allMatch(t -> t.answered() == 0)) {
                    continue;
                }
                out.append(suite.suite()).append(" · ").append(test.test()).append('\n');
                table(test, out);
                categories(test, out);
                flips(test, out);
            }
        }
        return out.toString();
    }

    private static void table(TestFigures test, StringBuilder out) {
        TreeSet<String> scoreNames = new TreeSet<>();
        test.temperatures().forEach(t -> scoreNames.addAll(t.scores().keySet()));
        List<List<String>> rows = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("T", "answered", "accuracy", "95% CI", "agree"));
        header.addAll(scoreNames);
        TreeSet<String> metricNames = new TreeSet<>();
        test.temperatures().forEach(t -> metricNames.addAll(t.metrics().keySet()));
        header.addAll(metricNames);
        rows.add(header);
        for (TemperatureAnalysis t : test.temperatures()) {
            List<String> row = new ArrayList<>(List.of(Formats.temperature(t.temperature()), Formats.count(t.answered()),
                    share(t.accuracy()), t.answered() == 0 ? "-" : interval(t.ci95()), share(t.agreement())));
            for (String name : scoreNames) {
                ScoreFigures s = t.scores().get(name);
                row.add(s == null ? "-" : Formats.percent(s.mean()) + " (" + interval(s.ci95()) + ")");
            }
            for (String name : metricNames) {
                Double m = t.metrics().get(name);
                row.add(m == null ? "-" : String.format(java.util.Locale.ROOT, "%.3f", m));
            }
            rows.add(row);
        }
        aligned(rows, "  ", out);
    }

    private static void categories(TestFigures test, StringBuilder out) {
        Map<String, long[]> totals = new TreeMap<>();
        test.temperatures().forEach(t -> t.categories().forEach((name, c) -> totals.computeIfAbsent(name, n -> new long[1])[0]
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
        test.temperatures().forEach(t -> header.add("T=" + Formats.temperature(t.temperature())));
        rows.add(header);
        for (String name : largest) {
            List<String> row = new ArrayList<>(List.of(name));
            for (TemperatureAnalysis t : test.temperatures()) {
                CategoryFigures c = t.categories().get(name);
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
        out.append("  flips: ").append(Formats.count(flips.answerFlips())).append(" of ")
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
        int columns = rows.stream().mapToInt(List::size).max().orElse(0);
        int[] widths = new int[columns];
        rows.forEach(r -> {
            for (int i = 0; i < r.size(); i++) {
                widths[i] = Math.max(widths[i], r.get(i).length());
            }
        });
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder(indent);
            for (int i = 0; i < row.size(); i++) {
                line.append(row.get(i));
                if (i < row.size() - 1) {
                    line.append(" ".repeat(widths[i] - row.get(i).length() + 2));
                }
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
    }
}
