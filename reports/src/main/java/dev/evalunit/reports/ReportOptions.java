package dev.evalunit.reports;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the report step reads and writes, from system properties ({@code -Dname=value}) with defaults
 * relative to the reports module's directory. Immutable.
 *
 * <p>What it reads is runs, each kept by the harness in a directory of its own ({@code runs/<id>/} of a module's
 * {@code evalunit.results.dir}, with {@code allure-results/} and {@code analysis.json}): by default the last
 * full run of the sample benchmarks ({@code runs/latest}), or the runs {@value #RUNS} names (ids of
 * {@value #RUNS_DIR}, or directories), so that several suites' runs make one report. {@value #RESULTS} and
 * {@value #ANALYSIS} name the files themselves instead.
 *
 * @param resultsDirs   the runs' Allure results directories, merged into {@code allureResults}
 * @param analysisFiles the runs' {@code analysis.json} files
 * @param outputDir     where charts and {@code summary.md} go
 * @param allureResults the merged results the HTML report is generated from
 * @param history       a previous HTML report whose {@code history/} is carried on (trends across runs)
 * @param minPassRate   the gate's pass-rate threshold, replacing the suites' own, when given
 * @param maxErrorRate  the gate's error-rate threshold, replacing the suites' own, when given
 */
public record ReportOptions(List<java.nio.file.Path> resultsDirs, List<java.nio.file.Path> analysisFiles,
                            java.nio.file.Path outputDir, java.nio.file.Path allureResults,
                            java.nio.file.Path history, Optional<Double> minPassRate,
                            Optional<Double> maxErrorRate) {

    /** Comma-separated runs, by id or directory; default the last full run, {@code latest}. */
    public static final String RUNS = "evalunit.report.runs";
    /** Where run ids are looked up; default the sample benchmarks' runs. */
    public static final String RUNS_DIR = "evalunit.report.runs-dir";
    static final String DEFAULT_RUNS_DIR = "../sample-benchmarks/target/evalunit/runs";
    /** Comma-separated Allure results directories, instead of runs. */
    public static final String RESULTS = "evalunit.report.results";
    /** Comma-separated analysis files, instead of runs. */
    public static final String ANALYSIS = "evalunit.report.analysis";
    /** Charts and summary; default {@code target/evalunit-report}. */
    public static final String OUTPUT = "evalunit.report.dir";
    /** The merged Allure results; default {@code target/allure-results}. */
    public static final String ALLURE_RESULTS = "evalunit.report.allure-results";
    /** A previous report to take history from; default the last one, {@code target/allure-report}. */
    public static final String HISTORY = "evalunit.report.history";
    public static final String MIN_PASS_RATE = "evalunit.min-pass-rate";
    public static final String MAX_ERROR_RATE = "evalunit.max-error-rate";

    public ReportOptions {
        resultsDirs = List.copyOf(resultsDirs);
        analysisFiles = List.copyOf(analysisFiles);
        Objects.requireNonNull(outputDir, "outputDir");
        Objects.requireNonNull(allureResults, "allureResults");
        Objects.requireNonNull(history, "history");
    }

    /** The options from {@code properties}, relative paths resolved against {@code moduleDir}. */
    public static ReportOptions from(Map<String, String> properties, java.nio.file.Path moduleDir) {
        java.nio.file.Path base = moduleDir.toAbsolutePath().normalize();
        Optional<Double> minPassRate = share(properties, MIN_PASS_RATE); // a bad value is named before runs are looked up
        Optional<Double> maxErrorRate = share(properties, MAX_ERROR_RATE);
        List<java.nio.file.Path> runs = properties.containsKey(RESULTS) || properties.containsKey(ANALYSIS) ? List.of()
                : Runs.resolve(base.resolve(properties.getOrDefault(RUNS_DIR, DEFAULT_RUNS_DIR)).normalize(),
                properties.getOrDefault(RUNS, Runs.LATEST), base);
        return new ReportOptions(
                properties.containsKey(RESULTS) ? paths(properties.get(RESULTS), base)
                        : runs.stream().map(r -> r.resolve("allure-results")).toList(),
                properties.containsKey(ANALYSIS) ? paths(properties.get(ANALYSIS), base)
                        : runs.stream().map(r -> r.resolve("analysis.json")).toList(),
                base.resolve(properties.getOrDefault(OUTPUT, "target/evalunit-report")).normalize(),
                base.resolve(properties.getOrDefault(ALLURE_RESULTS, "target/allure-results")).normalize(),
                base.resolve(properties.getOrDefault(HISTORY, "target/allure-report")).normalize(),
                minPassRate,
                maxErrorRate);
    }

    /** The options from this JVM's system properties. */
    public static ReportOptions fromSystemProperties(java.nio.file.Path moduleDir) {
        Map<String, String> properties = new java.util.HashMap<>();
        System.getProperties().forEach((k, v) -> properties.put(k.toString(), v.toString()));
        return from(properties, moduleDir);
    }

    private static List<java.nio.file.Path> paths(String list, java.nio.file.Path base) {
        return Arrays.stream(list.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .map(s -> base.resolve(s).normalize()).toList();
    }

    private static Optional<Double> share(Map<String, String> properties, String key) {
        String text = properties.get(key);
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        double value;
        try {
            value = Double.parseDouble(text.strip());
        } catch (NumberFormatException e) {
            throw new ReportInputException(key + "=" + text + " is not a number: give a share from 0 to 1, such as 0.6");
        }
        if (!(value >= 0 && value <= 1)) {
            throw new ReportInputException(key + "=" + text + " is out of range: give a share from 0 to 1, such as 0.6");
        }
        return Optional.of(value);
    }
}
