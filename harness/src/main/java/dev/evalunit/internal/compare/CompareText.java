package dev.evalunit.internal.compare;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apiguardian.api.API;

/**
 * A comparison as text: the console's aligned tables, and Markdown for CI summaries; {@link #cells} and
 * {@link #aligned} also serve the run's analysis. Stateless.
 */
@API(status = INTERNAL, since = "0.1")
public final class CompareText {

    static final List<String> HEADER = List.of("where", "compared", "measure", "n", "A", "B", "B-A", "95% CI",
            "A better", "B better", "p", "p (Holm)", "detectable", "unscored A", "unscored B");

    private CompareText() {
    }

    /** What the figures mean, said once above them. */
    static String legend(CompareReport report) {
        long tested = report.rows().stream().filter(r -> r.pValue() != null).count();
        return String.format(Locale.ROOT, "paired by question over the questions both sides answered (a question's "
                        + "samples averaged and resampled together); 95%% CI: percentile bootstrap of %,d resamples "
                        + "(seed %d); p: McNemar's exact test (the exact sign test with samples), Holm-adjusted over "
                        + "%d comparisons; detectable: the smallest difference these questions detect at %.0f%% power, "
                        + "alpha %s (Connor 1987); unscored: invocations without a verdict, not in the figures",
                report.settings().resamples(), report.settings().seed(), tested, 100 * report.settings().power(),
                trim(report.settings().alpha()));
    }

    static String console(CompareReport report, String title) {
        StringBuilder out = new StringBuilder(title).append("\n")
                .append("  ").append(legend(report)).append("\n");
        if (report.rows().isEmpty()) {
            return out.append("  ").append(nothing(report)).append("\n").toString();
        }
        byTest(report).forEach((test, rows) -> {
            out.append(test).append("\n");
            List<List<String>> table = new ArrayList<>();
            table.add(shown(report, HEADER));
            rows.forEach(r -> table.add(shown(report, cells(r))));
            aligned(table, "  ", out);
        });
        return out.toString();
    }

    static String markdown(CompareReport report, String title) {
        StringBuilder out = new StringBuilder("# ").append(title).append("\n\n").append(legend(report)).append(".\n\n");
        if (report.rows().isEmpty()) {
            return out.append(nothing(report)).append(".\n").toString();
        }
        byTest(report).forEach((test, rows) -> {
            List<String> header = shown(report, HEADER);
            out.append("## ").append(test).append("\n\n| ").append(String.join(" | ", header)).append(" |\n|")
                    .append("---|".repeat(header.size())).append('\n');
            rows.forEach(r -> out.append("| ").append(String.join(" | ", shown(report, cells(r)))).append(" |\n"));
            out.append('\n');
        });
        return out.toString();
    }

    /** Why a report has no rows. */
    static String nothing(CompareReport report) {
        String sides = switch (report.by()) {
            case "runs" -> "both runs";
            case "model" -> "two models";
            default -> "two temperatures";
        };
        return "nothing to compare: no test was answered by " + sides + " on the same questions";
    }

    static Map<String, List<Comparison>> byTest(CompareReport report) {
        Map<String, List<Comparison>> byTest = new LinkedHashMap<>();
        report.rows().forEach(r -> byTest.computeIfAbsent(r.suite() + " · " + r.test(), t -> new ArrayList<>()).add(r));
        return byTest;
    }

    public static List<String> cells(Comparison r) {
        return List.of(r.where(), r.a() + " -> " + r.b(), r.measure(), String.format(Locale.ROOT, "%,d", r.questions()),
                CompareReport.value(r, r.valueA()), CompareReport.value(r, r.valueB()),
                CompareReport.difference(r, r.difference()),
                r.ci95() == null ? "-" : CompareReport.difference(r, r.ci95().low()).replace(" pts", "") + " to "
                        + CompareReport.difference(r, r.ci95().high()),
                r.aBetter() == null ? "-" : String.valueOf(r.aBetter()),
                r.bBetter() == null ? "-" : String.valueOf(r.bBetter()),
                CompareReport.p(r.pValue()), CompareReport.p(r.pHolm()),
                r.detectable() == null ? "-" : "±" + CompareReport.difference(r, r.detectable()).substring(1),
                r.unscoredA() + "/" + r.invocationsA(), r.unscoredB() + "/" + r.invocationsB());
    }

    /** The columns shown: two runs are named in the title, so their rows do not repeat what they compare. */
    static List<String> shown(CompareReport report, List<String> row) {
        if (!report.by().equals("runs")) {
            return row;
        }
        List<String> out = new ArrayList<>(row);
        out.remove(1);
        return out;
    }

    /** {@code rows} as columns two spaces apart, each line after {@code indent}: the console's tables. */
    public static void aligned(List<List<String>> rows, String indent, StringBuilder out) {
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

    private static String trim(double d) {
        return String.valueOf(d).replaceAll("\\.?0+$", "");
    }
}
