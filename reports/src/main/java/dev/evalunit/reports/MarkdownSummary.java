package dev.evalunit.reports;

import dev.evalunit.reports.AnalysisFile.Category;
import dev.evalunit.reports.AnalysisFile.Suite;
import dev.evalunit.reports.AnalysisFile.Temperature;
import dev.evalunit.reports.AnalysisFile.Test;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * A run's results as Markdown for a CI log or a pull-request comment: the gate's verdict first, then per
 * suite and test a table by temperature, the answers that change with temperature, the weakest
 * categories, and links to the {@link Charts}. Tables are padded to their columns so that the raw text
 * reads in a terminal too. Stateless.
 */
public final class MarkdownSummary {

    /** How many of a test's categories the summary lists, from the weakest; the category chart has all. */
    static final int WEAKEST_CATEGORIES = 5;

    private MarkdownSummary() {
    }

    /**
     * @param charts     the charts to link, as {@link Charts#write} returned them; may be empty
     * @param relativeTo the directory the Markdown will be read from (where it is written), so that links to
     *                   the charts resolve
     */
    public static String render(AnalysisFile analysis, ScoreGate.Verdict verdict, List<Charts.Chart> charts,
                                Path relativeTo) {
        Objects.requireNonNull(analysis, "analysis");
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(charts, "charts");
        Path base = Objects.requireNonNull(relativeTo, "relativeTo").toAbsolutePath().normalize();
        StringBuilder out = new StringBuilder("# Benchmark results\n\n");
        gate(verdict, out);
        for (Suite suite : analysis.suites()) {
            out.append("## ").append(suite.suite()).append("\n\n");
            for (Test test : suite.tests()) {
                test(test, out);
            }
            charts(suite, charts, base, out);
        }
        return out.toString();
    }

    private static void gate(ScoreGate.Verdict verdict, StringBuilder out) {
        long missed = verdict.suites().stream().filter(s -> !s.passed()).count();
        out.append(verdict.passed() ? "**Gate: passed**" : "**Gate: MISSED** (" + missed + " of "
                + verdict.suites().size() + (verdict.suites().size() == 1 ? " suite)" : " suites)")).append("\n\n");
        for (String line : verdict.describe().split("\n")) {
            out.append("- ").append(line).append('\n');
        }
        out.append('\n');
    }

    private static void test(Test test, StringBuilder out) {
        out.append("### ").append(test.name()).append("\n\n");
        List<Temperature> temperatures = Figures.byTemperature(test);
        if (temperatures.isEmpty()) {
            out.append("No invocations recorded.\n\n");
            return;
        }
        TreeSet<String> scores = new TreeSet<>();
        temperatures.forEach(t -> scores.addAll(t.scores().keySet()));
        List<String> header = new ArrayList<>(List.of("T", "answered", "accuracy", "95 % CI", "agreement"));
        scores.forEach(header::add);
        header.add("errors");
        List<List<String>> rows = new ArrayList<>();
        for (Temperature t : temperatures) {
            List<String> row = new ArrayList<>(List.of(Figures.temperature(t.temperature()), count(t.answered()),
                    t.accuracy() == null ? "-" : Figures.percent(t.accuracy()),
                    t.accuracy() == null || t.ci95() == null ? "-" : Figures.interval(t.ci95()),
                    agreement(t)));
            for (String name : scores) {
                AnalysisFile.Score s = t.scores().get(name);
                row.add(s == null ? "-" : Figures.percent(s.mean()));
            }
            row.add(count(t.errors()));
            rows.add(row);
        }
        table(header, rows, out);
        AnalysisFile.Flips flips = test.flips();
        if (flips != null && flips.questions() > 0) {
            out.append("Answer changes between temperatures: ").append(count(flips.answerFlips())).append(" of ")
                    .append(count(flips.questions())).append(" questions; pass/fail changes: ")
                    .append(count(flips.passFlips())).append(".\n\n");
        }
        weakestCategories(temperatures, out);
    }

    private static String agreement(Temperature t) {
        if (t.agreement() != null) {
            return Figures.percent(t.agreement());
        }
        return t.answered() == 0 ? "-" : "n/a (1 sample)";
    }

    /** At the lowest temperature that has categories: the coolest run shows the model's own weak spots. */
    private static void weakestCategories(List<Temperature> temperatures, StringBuilder out) {
        Temperature lowest = temperatures.stream().filter(t -> !t.categories().isEmpty()).findFirst().orElse(null);
        if (lowest == null) {
            return;
        }
        List<Map.Entry<String, Category>> weakest = lowest.categories().entrySet().stream()
                .filter(e -> e.getValue().accuracy() != null)
                .sorted(Comparator.comparingDouble((Map.Entry<String, Category> e) -> e.getValue().accuracy())
                        .thenComparing(e -> -e.getValue().answered()).thenComparing(Map.Entry::getKey))
                .limit(WEAKEST_CATEGORIES).toList();
        if (weakest.isEmpty()) {
            return;
        }
        out.append("Weakest categories at T=").append(Figures.temperature(lowest.temperature())).append(" (")
                .append(weakest.size()).append(" of ").append(lowest.categories().size()).append("):\n\n");
        List<List<String>> rows = new ArrayList<>();
        for (Map.Entry<String, Category> e : weakest) {
            rows.add(List.of(e.getKey(), Figures.percent(e.getValue().accuracy()),
                    count(e.getValue().passed()) + " of " + count(e.getValue().answered())));
        }
        table(List.of("category", "accuracy", "passed"), rows, out);
    }

    private static void charts(Suite suite, List<Charts.Chart> charts, Path base, StringBuilder out) {
        List<Charts.Chart> own = charts.stream().filter(c -> c.suite().equals(suite.suite())).toList();
        boolean agreement = suite.tests().stream().flatMap(t -> t.temperatures().stream()).anyMatch(t -> t.agreement() != null);
        if (own.isEmpty()) {
            return;
        }
        out.append("### Charts\n\n");
        for (Charts.Chart chart : own) {
            out.append("![").append(chart.title().replace("[", "\\[").replace("]", "\\]")).append("](")
                    .append(link(base, chart.png())).append(") ([SVG](").append(link(base, chart.svg())).append("))\n\n");
        }
        if (!agreement) {
            out.append("No agreement chart: each question was asked once per temperature (one sample), so there is"
                    + " no agreement between samples to draw. Ask for more with @Samples(n) or -Devalunit.samples=n.\n\n");
        }
    }

    /** A path relative to the Markdown's directory, with {@code /} and no character that ends a link. */
    static String link(Path base, Path file) {
        String relative = base.relativize(file.toAbsolutePath().normalize()).toString().replace('\\', '/');
        return relative.replace("%", "%25").replace(" ", "%20").replace("(", "%28").replace(")", "%29");
    }

    /**
     * A Markdown table, each column padded to its widest cell; the first column is left-aligned, the others
     * (figures) right-aligned.
     */
    private static void table(List<String> header, List<List<String>> rows, StringBuilder out) {
        List<List<String>> cells = new ArrayList<>();
        cells.add(header.stream().map(MarkdownSummary::escape).toList());
        rows.forEach(r -> cells.add(r.stream().map(MarkdownSummary::escape).toList()));
        int[] widths = new int[header.size()];
        for (List<String> row : cells) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(Math.max(widths[i], row.get(i).length()), 3);
            }
        }
        for (int r = 0; r < cells.size(); r++) {
            List<String> row = cells.get(r);
            StringBuilder line = new StringBuilder("|");
            for (int i = 0; i < row.size(); i++) {
                String pad = " ".repeat(widths[i] - row.get(i).length());
                line.append(' ').append(i == 0 ? row.get(i) + pad : pad + row.get(i)).append(" |");
            }
            out.append(line).append('\n');
            if (r == 0) {
                StringBuilder rule = new StringBuilder("|");
                for (int i = 0; i < widths.length; i++) {
                    rule.append(' ').append(i == 0 ? "-".repeat(widths[i]) : "-".repeat(widths[i] - 1) + ":").append(" |");
                }
                out.append(rule).append('\n');
            }
        }
        out.append('\n');
    }

    /** A pipe would end the cell; a line break would end the table. */
    static String escape(String cell) {
        return cell.replace("|", "\\|").replace("\r", " ").replace("\n", " ");
    }

    private static String count(long n) {
        return Long.toString(n);
    }
}
