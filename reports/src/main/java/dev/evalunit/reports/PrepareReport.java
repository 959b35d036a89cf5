package dev.evalunit.reports;

import io.qameta.allure.FileSystemResultsWriter;
import io.qameta.allure.model.Attachment;
import io.qameta.allure.model.Status;
import io.qameta.allure.model.StatusDetails;
import io.qameta.allure.model.TestResult;
import io.qameta.allure.util.ResultsUtils;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The report step before Allure draws the HTML: merges the runs' Allure results into one directory
 * (replacing what an earlier report step left there, so nothing stale leaks in), carries on the history
 * of the previous report (trend charts across runs), draws the temperature analysis, writes the Markdown
 * summary, and adds one Allure result per suite, "temperature analysis", whose attachments are the charts
 * and the summary and whose status is the suite's score gate.
 *
 * <pre>java dev.evalunit.reports.PrepareReport &lt;reports module dir&gt;</pre>
 * with the {@link ReportOptions} as system properties. Prints the summary.
 */
public final class PrepareReport {

    /** The name of the analysis entries' {@code subSuite} label, so they stand apart from invocations. */
    public static final String ANALYSIS_ENTRY = "temperature analysis";

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private PrepareReport() {
    }

    public static void main(String[] args) {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: PrepareReport <reports module directory>");
        }
        Outcome outcome = run(ReportOptions.fromSystemProperties(Path.of(args[0])));
        System.out.println(outcome.summary());
        System.out.println("evalunit: " + outcome.invocations() + " results of the run and "
                + outcome.analysisEntries() + " analysis entries in " + outcome.options().allureResults()
                + "; charts and summary.md in " + outcome.options().outputDir());
    }

    /**
     * @param invocations     result files copied from the runs
     * @param analysisEntries analysis results added (one per suite)
     * @param summary         the Markdown summary, also in {@code outputDir/summary.md}
     */
    public record Outcome(ReportOptions options, int invocations, int analysisEntries, String summary,
                          ScoreGate.Verdict verdict) {
    }

    /** Runs the step. */
    public static Outcome run(ReportOptions options) {
        for (Path dir : options.resultsDirs()) {
            if (!Files.isDirectory(dir)) {
                throw new ReportInputException("no Allure results at " + dir + ": run a benchmark first (e.g. mvn test "
                        + "-Dsuite=TruthfulQA), or name the results directories with -D" + ReportOptions.RESULTS);
            }
        }
        List<Path> analysisFiles = options.analysisFiles().stream().filter(Files::isRegularFile).toList();
        if (analysisFiles.isEmpty()) {
            System.out.println("evalunit: no analysis file (" + options.analysisFiles()
                    + "): the report has the invocations but no charts");
        }
        AnalysisFile analysis = AnalysisFile.read(analysisFiles);
        try {
            recreate(options.allureResults());
            int invocations = 0;
            long[] runEnd = {0};
            for (Path dir : options.resultsDirs()) {
                invocations += copyResults(dir, options.allureResults(), runEnd);
            }
            carryHistory(options.history(), options.allureResults());

            recreate(options.outputDir());
            List<Charts.Chart> charts = Charts.write(analysis, options.outputDir().resolve("charts"));
            ScoreGate.Verdict verdict = ScoreGate.judge(analysis, options.minPassRate(), options.maxErrorRate());
            String summary = MarkdownSummary.render(analysis, verdict, charts, options.outputDir());
            Path summaryFile = options.outputDir().resolve("summary.md");
            Files.writeString(summaryFile, summary);
            appendToGitHubSummary(summary);

            FileSystemResultsWriter writer = new FileSystemResultsWriter(options.allureResults());
            for (ScoreGate.SuiteVerdict suite : verdict.suites()) {
                writeAnalysisEntry(writer, suite, charts, summaryFile, runEnd[0] > 0 ? runEnd[0] : System.currentTimeMillis());
            }
            return new Outcome(options, invocations, verdict.suites().size(), summary, verdict);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the report in " + options.allureResults(), e);
        }
    }

    /** Copies the files of a results directory; {@code runEnd[0]} becomes the latest stop time seen. */
    private static int copyResults(Path from, Path to, long[] runEnd) throws IOException {
        int results = 0;
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String name = file.getFileName().toString();
                if (name.endsWith("-result.json")) { // read once: copied, and its stop time taken
                    byte[] json = Files.readAllBytes(file);
                    Files.write(to.resolve(name), json);
                    results++;
                    runEnd[0] = Math.max(runEnd[0], JSON.readTree(json).path("stop").asLong(0));
                } else {
                    Files.copy(file, to.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return results;
    }

    /** Allure draws trends from {@code history/} in the results, which the previous report holds. */
    private static void carryHistory(Path previousReport, Path results) throws IOException {
        Path history = previousReport.resolve("history");
        if (!Files.isDirectory(history)) {
            return;
        }
        Path target = Files.createDirectories(results.resolve("history"));
        try (Stream<Path> files = Files.list(history)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Files.copy(file, target.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** The entry is stamped with the run's end, so the report's timeline spans the run, not this step. */
    private static void writeAnalysisEntry(FileSystemResultsWriter writer, ScoreGate.SuiteVerdict suite,
                                           List<Charts.Chart> charts, Path summaryFile, long runEnd) throws IOException {
        List<Attachment> attachments = new ArrayList<>();
        attachments.add(attach(writer, "summary.md", "text/markdown", "md", summaryFile));
        for (Charts.Chart chart : charts) {
            if (chart.suite().equals(suite.suite())) {
                attachments.add(attach(writer, chart.title(), "image/png", "png", chart.png()));
                attachments.add(attach(writer, chart.title() + " (SVG)", "image/svg+xml", "svg", chart.svg()));
            }
        }
        String id = "evalunit-analysis\n" + suite.suite();
        TestResult result = new TestResult()
                .setUuid(UUID.randomUUID().toString())
                .setName(suite.suite() + ": " + ANALYSIS_ENTRY + " and score gate")
                .setFullName("evalunit.analysis." + suite.suite())
                .setTestCaseId(ResultsUtils.md5(id))
                .setHistoryId(ResultsUtils.md5(id))
                .setStatus(suite.passed() ? Status.PASSED : Status.FAILED)
                .setStatusDetails(new StatusDetails().setMessage(suite.describe()))
                .setDescription("Charts of the temperature analysis and the score gate of " + suite.suite()
                        + " (thresholds: pass rate >= " + ScoreGate.percent(suite.thresholds().minPassRate())
                        + " at every temperature, error rate <= " + ScoreGate.percent(suite.thresholds().maxErrorRate())
                        + ").")
                .setLabels(List.of(
                        ResultsUtils.createSuiteLabel(suite.suite()),
                        ResultsUtils.createSubSuiteLabel(ANALYSIS_ENTRY),
                        ResultsUtils.createEpicLabel(suite.suite()),
                        ResultsUtils.createFeatureLabel(ANALYSIS_ENTRY),
                        ResultsUtils.createFrameworkLabel("evalunit")))
                .setAttachments(attachments)
                .setStart(runEnd)
                .setStop(runEnd);
        writer.write(result);
    }

    private static Attachment attach(FileSystemResultsWriter writer, String name, String type, String extension,
                                     Path file) throws IOException {
        String source = UUID.randomUUID() + "-attachment." + extension;
        try (InputStream in = Files.newInputStream(file)) {
            writer.write(source, in);
        }
        return new Attachment().setName(name).setType(type).setSource(source);
    }

    private static void appendToGitHubSummary(String summary) throws IOException {
        String file = System.getenv("GITHUB_STEP_SUMMARY");
        if (file != null && !file.isBlank()) {
            Files.writeString(Path.of(file), summary + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
    }

    private static void recreate(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(dir);
    }
}
