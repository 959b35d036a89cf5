package dev.evalunit.internal.run;

import dev.evalunit.BenchmarkConfigurationException;
import dev.evalunit.config.ConfigKeys;
import dev.evalunit.config.ConfigValues;
import dev.evalunit.config.EvalConfig;
import dev.evalunit.internal.compare.CompareOptions;
import dev.evalunit.internal.compare.CompareReport;
import dev.evalunit.internal.compare.Comparison;
import dev.evalunit.internal.compare.Comparisons;
import dev.evalunit.internal.report.Analysis;
import dev.evalunit.internal.report.BuildOutcome;
import dev.evalunit.internal.report.RunSummary;
import dev.evalunit.internal.runs.RunDirectory;
import dev.evalunit.internal.runs.RunRecord;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The verdict on a run's scores: each suite's thresholds, the share of its invocations left without a verdict
 * ({@code evalunit.threshold.max-unscored}), and, with {@code evalunit.baseline}, no test worse than the baseline
 * run beyond noise. On the way it writes and prints the run's analysis and compares its temperatures, and, in a run
 * that compares several models ({@code evalunit.models}), every pair of its models at each temperature. Its settings
 * are read when the run starts, so a wrong one fails before anything is sent. Immutable; thread-safe.
 */
final class ScoreJudge {

    /** The directory of a run's record where the comparison of its models goes. */
    static final String MODELS = "models";

    /** How comparisons are computed, and the baseline gate's settings. */
    private final CompareOptions compare;
    /** The run this one must not fall behind ({@code evalunit.baseline}), resolved when the run started. */
    private final Optional<Path> baseline;
    private final double maxUnscored;

    /**
     * @param resultsDir where runs keep their results, among them the baseline
     * @throws dev.evalunit.config.ConfigException naming a setting of the comparison or the gate that is wrong
     * @throws BenchmarkConfigurationException     when {@code evalunit.baseline} names no kept run
     */
    ScoreJudge(Path resultsDir, ConfigValues values) {
        this.compare = CompareOptions.from(values);
        this.maxUnscored = values.getAs(ConfigKeys.MAX_UNSCORED, 0.01, "a number from 0 to 1, such as 0.01", s -> {
            double d = new java.math.BigDecimal(s.strip()).doubleValue();
            if (!(d >= 0 && d <= 1)) {
                throw new IllegalArgumentException(s);
            }
            return d;
        });
        try {
            this.baseline = compare.baseline().map(b -> RunDirectory.resolve(resultsDir, b));
        } catch (IllegalArgumentException notARun) {
            throw new BenchmarkConfigurationException(ConfigKeys.BASELINE + "=" + compare.baseline().orElseThrow()
                    + ": " + notARun.getMessage(), notARun);
        }
    }

    /**
     * The thresholds of each suite, its analysis written and printed, and the verdict on its figures.
     *
     * @param waitingForBatches whether invocations wait for their batch: the run fails as no result anyway, so the
     *                          share without a verdict is not judged
     */
    BuildOutcome.Verdict judge(RunSummary summary, Map<String, Double> suiteMinPassRates, EvalConfig config,
                               RunRecord record, boolean waitingForBatches) {
        BuildOutcome.Thresholds configured = BuildOutcome.Thresholds.from(config);
        boolean passRateSet = config.values().isSet(ConfigKeys.MIN_PASS_RATE);
        Map<String, BuildOutcome.Thresholds> thresholds = new TreeMap<>();
        summary.figures().keySet().forEach(suite -> thresholds.put(suite, passRateSet ? configured
                : new BuildOutcome.Thresholds(suiteMinPassRates.getOrDefault(suite, 0.0), configured.maxErrorRate())));
        Comparisons.Source run = each -> RunRecord.invocations(record.directory(), each);
        CompareReport temperatures = Comparisons.compare(Comparisons.By.TEMPERATURE, run, null, null, null,
                compare.settings(), summary.analysis().metricsByTest());
        List<String> models = config.models();
        CompareReport byModel = Comparisons.compare(Comparisons.By.MODEL, models.size() < 2 ? each -> { } : run, null,
                null, null, compare.settings(), summary.analysis().metricsByTest(), models);
        Analysis.Report report = summary.analysis().report().withThresholds(thresholds)
                .withTemperatureComparisons(temperatures.rows()).withModelComparisons(byModel.rows());
        String table = Analysis.render(report);
        if (!table.isEmpty()) {
            Path file = record.analysis();
            Analysis.writeJson(report, file);
            if (!temperatures.rows().isEmpty()) {
                temperatures.write(record.directory(), "Run " + record.id() + ": each test's lowest temperature "
                        + "against its others", run, null);
            }
            if (!byModel.rows().isEmpty()) {
                byModel.write(record.directory().resolve(MODELS), "Run " + record.id() + ": its models "
                        + String.join(", ", models) + " compared at each temperature", run, null);
            }
            System.out.println(table + "analysis written to " + file.toAbsolutePath()
                    + (temperatures.rows().isEmpty() ? "" : "; the temperatures compared in compare.md, compare.html")
                    + (byModel.rows().isEmpty() ? "" : "; the models compared in " + MODELS + "/compare.md, compare.html"));
        }
        List<String> missed = new ArrayList<>();
        BuildOutcome.Verdict scored = BuildOutcome.judge(summary.figures(), thresholds);
        if (!scored.passed()) {
            missed.add(scored.reason());
        }
        if (!waitingForBatches) {
            missed.addAll(unscored(report));
        }
        baseline.ifPresent(b -> missed.addAll(againstBaseline(b, record, run)));
        return missed.isEmpty() ? scored : new BuildOutcome.Verdict(false, String.join("\n", missed));
    }

    /**
     * Each test and temperature whose share of invocations without a verdict (aborted, skipped: a judge that gave
     * none, a request not sent) is above {@code evalunit.threshold.max-unscored}: its accuracy rests on a subset
     * the run chose, not on its questions.
     */
    private List<String> unscored(Analysis.Report report) {
        List<String> missed = new ArrayList<>();
        for (Analysis.SuiteAnalysis suite : report.suites()) {
            for (Analysis.TestFigures test : suite.tests()) {
                for (Analysis.TemperatureAnalysis t : test.temperatures()) {
                    long unscored = t.invocations() - t.answered() - t.errors();
                    // with no answer judged there is no accuracy to rest on a subset: "all aborted" says why
                    if (t.answered() > 0 && unscored > 0 && (double) unscored / t.invocations() > maxUnscored) {
                        missed.add(String.format(Locale.ROOT, "%s · %s at T=%s: %,d of %,d invocations (%.1f%%) have "
                                        + "no verdict (aborted or skipped), above %s %.1f%%: its accuracy rests on the "
                                        + "rest", suite.suite(), test.test(), t.temperature(), unscored, t.invocations(),
                                100.0 * unscored / t.invocations(), ConfigKeys.MAX_UNSCORED, 100 * maxUnscored));
                    }
                }
            }
        }
        return missed;
    }

    /**
     * This run against the baseline ({@code evalunit.baseline}): every test and temperature both ran, paired by
     * question. A test's accuracy lower than the baseline's by more than the margin, with a Holm-adjusted p
     * below alpha, is a regression and fails the build; a difference within noise passes and says so. Scores are
     * compared and shown, not gated: evalunit cannot know whether more of a score is better.
     */
    private List<String> againstBaseline(Path baselineRun, RunRecord record, Comparisons.Source run) {
        String baselineId = baselineRun.getFileName().toString();
        CompareReport report = Comparisons.compare(Comparisons.By.RUNS,
                each -> RunRecord.invocations(baselineRun, each), baselineId, run, record.id(), compare.settings(),
                Map.of());
        String title = "Run " + record.id() + " against the baseline " + baselineId + " (" + ConfigKeys.BASELINE + ")";
        report.write(record.directory().resolve("baseline"), title, each -> RunRecord.invocations(baselineRun, each), run);
        System.out.print(report.text(title));
        List<String> missed = new ArrayList<>();
        double alpha = compare.settings().alpha();
        for (Comparison c : report.rows()) {
            if (!c.measure().equals("accuracy")) {
                continue;
            }
            String figures = String.format(Locale.ROOT, "%s · %s at %s: accuracy %s against the baseline's %s (%s, 95%% "
                            + "CI %s to %s, p %s, Holm-adjusted p %s, %,d questions)", c.suite(), c.test(), c.where(),
                    CompareReport.percent(c.valueB()), CompareReport.percent(c.valueA()),
                    CompareReport.points(c.difference()),
                    c.ci95() == null ? "-" : CompareReport.points(c.ci95().low()),
                    c.ci95() == null ? "-" : CompareReport.points(c.ci95().high()),
                    p(c.pValue()), p(c.pHolm()), c.questions());
            if (c.worse(alpha, compare.margin())) {
                missed.add(figures + ": worse than the baseline beyond noise (" + ConfigKeys.BASELINE_ALPHA + " "
                        + alpha + ", " + ConfigKeys.BASELINE_MARGIN + " "
                        + CompareReport.points(compare.margin()).substring(1) + ")");
            } else if (c.difference() < 0) {
                System.out.println("evalunit: " + figures + ": lower, within noise (" + (c.pHolm() != null
                        && c.pHolm() < alpha ? "by no more than " + ConfigKeys.BASELINE_MARGIN : "Holm-adjusted p >= "
                        + alpha) + "): no regression");
            }
        }
        if (missed.isEmpty()) {
            System.out.println("evalunit: no test is worse than the baseline " + baselineId + " beyond noise ("
                    + report.rows().stream().filter(c -> c.measure().equals("accuracy")).count()
                    + " test and temperature pairs compared)");
        }
        return missed;
    }

    private static String p(Double p) {
        return p == null ? "-" : p < 0.0001 ? "< 0.0001" : "= " + String.format(Locale.ROOT, "%.4f", p);
    }
}
