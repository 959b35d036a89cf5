package dev.evalunit.reports;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Judges a run from its analysis file, so CI can gate on a benchmark in a step of its own without
 * failing on each wrong answer. A suite passes when its pass rate (passed over answered, all its tests
 * together) is at least {@code minPassRate} at every temperature that has an answer, and its error rate
 * (invocations that failed after retries, over all invocations) is at most {@code maxErrorRate}. The
 * thresholds are the suite's own as the run recorded them ({@code @BenchmarkSuite(minPassRate)},
 * {@code evalunit.min-pass-rate}, {@code evalunit.max-error-rate}), unless this step is given its own.
 * Stateless.
 */
public final class ScoreGate {

    private ScoreGate() {
    }

    /**
     * The gate as a build step: {@code java dev.evalunit.reports.ScoreGate <reports module dir>}, with the
     * {@link ReportOptions} as system properties. Prints the verdict of each suite and throws
     * {@link ThresholdsMissedException} (failing {@code exec:java}, so the build) when a suite missed.
     *
     * @throws ReportInputException when there is no analysis to judge: a gate with nothing to judge is
     *                              a broken pipeline, not a pass
     */
    public static void main(String[] args) {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: ScoreGate <reports module directory>");
        }
        ReportOptions options = ReportOptions.fromSystemProperties(java.nio.file.Path.of(args[0]));
        List<java.nio.file.Path> files = options.analysisFiles().stream().filter(java.nio.file.Files::isRegularFile).toList();
        if (files.isEmpty()) {
            throw new ReportInputException("the score gate has nothing to judge: no analysis file at "
                    + options.analysisFiles() + "; run the benchmark first (e.g. mvn test -Dsuite=TruthfulQA) or name "
                    + "the file with -D" + ReportOptions.ANALYSIS);
        }
        Verdict verdict = judge(AnalysisFile.read(files), options.minPassRate(), options.maxErrorRate());
        System.out.println("evalunit score gate:\n" + verdict.describe());
        if (!verdict.passed()) {
            throw new ThresholdsMissedException(verdict);
        }
    }

    /** A suite missed its thresholds; the message says which and by how much. */
    public static final class ThresholdsMissedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ThresholdsMissedException(Verdict verdict) {
            super("the benchmark run misses its thresholds:\n" + verdict.describe());
        }
    }

    /**
     * @param minPassRate  when present, replaces every suite's recorded pass-rate threshold
     * @param maxErrorRate when present, replaces every suite's recorded error-rate threshold
     */
    public static Verdict judge(AnalysisFile analysis, Optional<Double> minPassRate, Optional<Double> maxErrorRate) {
        Objects.requireNonNull(analysis, "analysis");
        List<SuiteVerdict> suites = new ArrayList<>();
        for (AnalysisFile.Suite suite : analysis.suites()) {
            AnalysisFile.Thresholds recorded = analysis.thresholdsOf(suite.suite());
            AnalysisFile.Thresholds used = new AnalysisFile.Thresholds(
                    minPassRate.orElse(recorded.minPassRate()), maxErrorRate.orElse(recorded.maxErrorRate()));
            suites.add(judge(suite, used));
        }
        return new Verdict(suites);
    }

    static SuiteVerdict judge(AnalysisFile.Suite suite, AnalysisFile.Thresholds thresholds) {
        TreeMap<Double, long[]> byTemperature = new TreeMap<>(); // answered, passed
        long invocations = 0;
        long errors = 0;
        for (AnalysisFile.Test test : suite.tests()) {
            for (AnalysisFile.Temperature t : test.temperatures()) {
                long[] counts = byTemperature.computeIfAbsent(t.temperature(), k -> new long[2]);
                counts[0] += t.answered();
                counts[1] += t.passed();
                invocations += t.invocations();
                errors += t.errors();
            }
        }
        List<String> missed = new ArrayList<>();
        List<String> met = new ArrayList<>();
        if (thresholds.minPassRate() > 0) {
            byTemperature.forEach((temperature, counts) -> {
                if (counts[0] == 0) {
                    return;
                }
                double rate = (double) counts[1] / counts[0];
                if (rate < thresholds.minPassRate()) {
                    missed.add("pass rate " + percent(rate) + " at T=" + temperature + " is below "
                            + percent(thresholds.minPassRate()) + " (" + counts[1] + " of " + counts[0] + " answers)");
                }
            });
            if (missed.isEmpty()) {
                met.add("pass rate >= " + percent(thresholds.minPassRate()) + " at every temperature");
            }
        }
        double errorRate = invocations == 0 ? 0 : (double) errors / invocations;
        if (errorRate > thresholds.maxErrorRate()) {
            missed.add("error rate " + percent(errorRate) + " is above " + percent(thresholds.maxErrorRate())
                    + " (" + errors + " of " + invocations + " invocations failed after retries)");
        } else {
            met.add("error rate " + percent(errorRate) + " <= " + percent(thresholds.maxErrorRate()));
        }
        return new SuiteVerdict(suite.suite(), thresholds, missed, met);
    }

    static String percent(double share) {
        return String.format(java.util.Locale.ROOT, "%.1f%%", share * 100);
    }

    /** The run's verdict: it passes when every suite does. */
    public record Verdict(List<SuiteVerdict> suites) {

        public Verdict {
            suites = List.copyOf(suites);
        }

        public boolean passed() {
            return suites.stream().allMatch(SuiteVerdict::passed);
        }

        /** One line per suite, e.g. {@code TruthfulQA: MISSED pass rate 41.0% at T=1.0 is below 60.0% (...)}. */
        public String describe() {
            if (suites.isEmpty()) {
                return "no suite in the analysis: nothing to gate";
            }
            return String.join("\n", suites.stream().map(SuiteVerdict::describe).toList());
        }
    }

    /**
     * @param missed each threshold missed, with the figure and the limit
     * @param met    each threshold met
     */
    public record SuiteVerdict(String suite, AnalysisFile.Thresholds thresholds, List<String> missed, List<String> met) {

        public SuiteVerdict {
            missed = List.copyOf(missed);
            met = List.copyOf(met);
        }

        public boolean passed() {
            return missed.isEmpty();
        }

        public String describe() {
            return passed() ? suite + ": passed, " + String.join(", ", met)
                    : suite + ": MISSED " + String.join("; ", missed);
        }
    }
}
