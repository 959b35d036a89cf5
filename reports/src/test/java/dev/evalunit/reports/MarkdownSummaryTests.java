package dev.evalunit.reports;

import static dev.evalunit.reports.Analyses.analysis;
import static dev.evalunit.reports.Analyses.category;
import static dev.evalunit.reports.Analyses.score;
import static dev.evalunit.reports.Analyses.temperature;
import static dev.evalunit.reports.Analyses.test;
import static org.assertj.core.api.Assertions.assertThat;

import dev.evalunit.reports.AnalysisFile.Flips;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MarkdownSummaryTests {

    private static final Path OUT = Path.of("build", "report").toAbsolutePath();

    /** 16 of 31 answered at T=0.0 (51.6 %), 12 of 31 at T=1.0 (38.7 %), with errors and a score. */
    static AnalysisFile demo() {
        AnalysisFile.Test test = new AnalysisFile.Test("DemoBenchmark.picksOption", List.of(
                temperature(0.0, 31, 16, 2, null, Map.of("true_mass", score(31, 0.5)), Map.of(
                        "Law", category(10, 2), "Health", category(10, 9), "Weather", category(5, 1),
                        "History", category(2, 1), "Fiction", category(2, 2), "Sport", category(2, 0))),
                temperature(1.0, 31, 12, 0, null, Map.of("true_mass", score(31, 0.25)), Map.of(
                        "Law", category(10, 0), "Health", category(10, 8)))),
                new Flips(31, 9, 7, List.of()));
        return new AnalysisFile(List.of(new AnalysisFile.Suite("Demo", List.of(test))), Map.of());
    }

    @Test
    void tablesEachTemperatureWithFiguresFromTheAnalysis() {
        String md = render(demo(), Optional.empty(), List.of());

        AnalysisFile.Interval ci = Analyses.wilson(16, 31);
        assertThat(rows(md)).contains(
                "| T | answered | accuracy | 95 % CI | agreement | true_mass | errors |",
                String.format(Locale.ROOT, "| 0.0 | 31 | 51.6 %% | %.1f–%.1f %% | n/a (1 sample) | 50.0 %% | 2 |",
                        ci.low() * 100, ci.high() * 100),
                "| 1.0 | 31 | 38.7 % | 23.7–56.2 % | n/a (1 sample) | 25.0 % | 0 |");
        assertThat(md).contains("### DemoBenchmark.picksOption")
                .contains("Answer changes between temperatures: 9 of 31 questions; pass/fail changes: 7.");
    }

    @Test
    void putsTheGateFirstAndSaysMissedWhenASuiteMissedAThreshold() {
        String md = render(demo(), Optional.of(0.45), List.of());

        ScoreGate.Verdict verdict = judge(demo(), Optional.of(0.45));
        assertThat(verdict.passed()).isFalse();
        assertThat(md.lines().filter(l -> l.startsWith("**Gate")).findFirst()).hasValue("**Gate: MISSED** (1 of 1 suite)");
        assertThat(md).contains("- " + verdict.suites().get(0).describe());
        assertThat(md.indexOf("**Gate")).isLessThan(md.indexOf("## Demo"));
    }

    @Test
    void saysPassedWhenEverySuiteMetItsThresholds() {
        String md = render(demo(), Optional.of(0.3), List.of());

        assertThat(md).contains("**Gate: passed**").doesNotContain("MISSED");
    }

    @Test
    void showsAgreementWhenQuestionsHadSamplesAndNotApplicableOtherwise() {
        AnalysisFile sampled = analysis("Demo", test("DemoBenchmark.answersFreely",
                temperature(0.0, 30, 12, 0, 0.875, Map.of(), Map.of()),
                temperature(1.0, 30, 9, 0, null, Map.of(), Map.of())));

        List<String> rows = rows(render(sampled, Optional.empty(), List.of()));

        assertThat(rows).contains("| 0.0 | 30 | 40.0 % | 24.6–57.7 % | 87.5 % | 0 |",
                "| 1.0 | 30 | 30.0 % | 16.7–47.9 % | n/a (1 sample) | 0 |");
    }

    @Test
    void listsTheFiveWeakestCategoriesAtTheLowestTemperature() {
        String md = render(demo(), Optional.empty(), List.of());

        assertThat(md).contains("Weakest categories at T=0.0 (5 of 6):");
        List<String> rows = rows(md);
        int first = rows.indexOf("| category | accuracy | passed |") + 2;
        assertThat(rows.subList(first, first + 5)).containsExactly(
                "| Sport | 0.0 % | 0 of 2 |", "| Law | 20.0 % | 2 of 10 |", "| Weather | 20.0 % | 1 of 5 |",
                "| History | 50.0 % | 1 of 2 |", "| Health | 90.0 % | 9 of 10 |");
    }

    @Test
    void escapesPipesInNames() {
        AnalysisFile piped = analysis("Demo", test("DemoBenchmark.picksOption",
                temperature(0.0, 10, 5, 0, null, Map.of("a|b", score(10, 0.5)), Map.of("Law|Order", category(10, 5)))));

        String md = render(piped, Optional.empty(), List.of());

        assertThat(rows(md)).anyMatch(row -> row.contains("| a\\|b |")).anyMatch(row -> row.startsWith("| Law\\|Order |"));
        assertThat(md).doesNotContain(" a|b ", " Law|Order ");
    }

    @Test
    void linksChartsRelativeToTheSummaryAndSaysWhyThereIsNoAgreementChart() {
        Path charts = OUT.resolve("charts dir");
        List<Charts.Chart> drawn = List.of(new Charts.Chart("Demo", "accuracy", "Demo: accuracy [by T]",
                charts.resolve("accuracy-demo.png"), charts.resolve("accuracy-demo.svg")),
                new Charts.Chart("Other", "accuracy", "Other: accuracy", charts.resolve("accuracy-other.png"),
                        charts.resolve("accuracy-other.svg")));

        String md = render(demo(), Optional.empty(), drawn);

        assertThat(md).contains("![Demo: accuracy \\[by T\\]](charts%20dir/accuracy-demo.png)"
                + " ([SVG](charts%20dir/accuracy-demo.svg))");
        assertThat(md).doesNotContain("accuracy-other").contains("No agreement chart: each question was asked once");
    }

    @Test
    void writesTheSameFiguresInEveryLocale() {
        Locale before = Locale.getDefault();
        try {
            Locale.setDefault(Locale.GERMANY);
            String md = render(demo(), Optional.empty(), List.of());
            assertThat(String.join("\n", rows(md))).contains("| 51.6 % |").doesNotContain("51,6");
        } finally {
            Locale.setDefault(before);
        }
    }

    /** Judged with a 10 % error budget, so that the demo's 2 errors in 64 invocations pass. */
    private static String render(AnalysisFile analysis, Optional<Double> minPassRate, List<Charts.Chart> charts) {
        return MarkdownSummary.render(analysis, judge(analysis, minPassRate), charts, OUT);
    }

    private static ScoreGate.Verdict judge(AnalysisFile analysis, Optional<Double> minPassRate) {
        return ScoreGate.judge(analysis, minPassRate, Optional.of(0.1));
    }

    /** Table lines with the padding collapsed, so assertions name figures rather than column widths. */
    private static List<String> rows(String md) {
        return md.lines().filter(l -> l.startsWith("|")).map(l -> String.join(" ", Arrays.asList(l.trim().split(" +"))))
                .toList();
    }
}
