package dev.evalunit.internal.report;

import static org.apiguardian.api.API.Status.INTERNAL;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.evalunit.internal.compare.Comparison;
import dev.evalunit.internal.compare.ModelOrder;
import dev.evalunit.internal.stats.Proportions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;
import org.apiguardian.api.API;

/**
 * The temperature and hallucination analysis of a run: per benchmark test and temperature (and model, when the run
 * compares several: {@code evalunit.models}), accuracy
 * with a 95 % interval computed over questions (Wilson's; with samples, at the effective number of questions,
 * so that samples of one question do not count as independent), agreement across samples, the mean of each named score with its
 * interval, and accuracy per category; per test, the questions whose answer flips between
 * temperatures (of one model). Thread-safe: test threads {@link #add} concurrently.
 *
 * <p>Accuracy is the share of answered invocations (passed or failed) that passed: an error or an
 * aborted invocation has no answer to judge and is counted apart. Memory grows with questions x
 * temperatures (a few counters and at most one entry per distinct answer), not with samples.
 *
 * <p>This class is the analysis's face and its JSON form: it keeps a {@link TestTally} per test, which
 * counts, and turns them into a {@link Report}; {@link ClusteredIntervals}, {@link AnswerFlips} and
 * {@link MetricValues} work out the figures, and {@link AnalysisTable} renders them.
 */
@API(status = INTERNAL, since = "0.1")
public final class Analysis {

    /** The z value of a two-sided 95 % interval. */
    static final double Z95 = 1.959963984540054;

    private final Map<TestKey, TestTally> tests = new ConcurrentHashMap<>();
    private final Map<String, Map<String, ToDoubleFunction<Map<String, Double>>>> metrics = new ConcurrentHashMap<>();
    /** Tests by suite and name, then their models in the run's order ({@code evalunit.models}). */
    private final Comparator<TestKey> order;

    /** The analysis of a run that asks one model. */
    public Analysis() {
        this(List.of());
    }

    /** The analysis of a run that compares {@code models} ({@code evalunit.models}): each test's figures per model. */
    public Analysis(List<String> models) {
        this.order = Comparator.comparing(TestKey::suite).thenComparing(TestKey::test)
                .thenComparing(TestKey::model, new ModelOrder(models));
    }

    /**
     * The metrics of a test, each computed from the means of its scores and of {@code accuracy} at a
     * temperature and in a category. A metric that throws or gives no finite number is left out there.
     */
    public void metrics(String suite, String test, Map<String, ToDoubleFunction<Map<String, Double>>> byName) {
        if (!byName.isEmpty()) {
            metrics.put(suite + " · " + test, Map.copyOf(byName));
        }
    }

    /** Each test's metrics, by {@code suite · test}: what a comparison of the run's temperatures recomputes. */
    public Map<String, Map<String, ToDoubleFunction<Map<String, Double>>>> metricsByTest() {
        return new TreeMap<>(metrics);
    }

    /** Counts one finished invocation. */
    public void add(InvocationResult result) {
        tests.computeIfAbsent(new TestKey(result.suite(), result.test(), result.comparedModel()), k -> new TestTally())
                .add(result);
    }

    /**
     * Per suite and temperature (and model), the sum of the questions' modal shares and how many questions had
     * two or more answered samples, over all the suite's tests: what the score table's agreement is.
     */
    Map<RunSummary.Cell, double[]> agreementByCell() {
        Map<RunSummary.Cell, double[]> out = new HashMap<>();
        tests.forEach((key, state) -> state.agreementSums().forEach((t, acc) -> {
            double[] sum = out.computeIfAbsent(new RunSummary.Cell(key.suite(), key.model(), t), c -> new double[2]);
            sum[0] += acc[0];
            sum[1] += acc[1];
        }));
        return out;
    }

    /**
     * The figures so far, by suite and test in alphabetical order; when the run compares models, one entry per test
     * and model, the models of a test together in the run's order.
     */
    public Report report() {
        Map<String, List<TestFigures>> bySuite = new TreeMap<>();
        Map<TestKey, TestTally> ordered = new TreeMap<>(order);
        ordered.putAll(tests);
        ordered.forEach((key, state) ->
                bySuite.computeIfAbsent(key.suite(), s -> new ArrayList<>()).add(state.figures(key.test(), key.model(),
                        metrics.getOrDefault(key.suite() + " · " + key.test(), Map.of()))));
        List<SuiteAnalysis> suites = new ArrayList<>();
        bySuite.forEach((suite, figures) -> suites.add(new SuiteAnalysis(suite, figures)));
        return new Report(suites, Map.of());
    }

    /** The analysis as text for the end of a run's log; empty when no test had an answer. */
    public String render() {
        return render(report());
    }

    /** {@code report} as text for the end of a run's log; empty when no test had an answer. */
    public static String render(Report report) {
        return AnalysisTable.render(report);
    }

    /** Writes {@link #report()} as JSON, replacing {@code file} atomically. */
    public void writeJson(Path file) {
        writeJson(report(), file);
    }

    /** Writes {@code report} as JSON, replacing {@code file} atomically. */
    public static void writeJson(Report report, Path file) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            JSON.writeValue(tmp.toFile(), report);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the analysis to " + file, e);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * The 95 % Wilson score interval of {@code successes} out of {@code n}; {@code [0, 1]} when
     * {@code n} is 0. Unlike the normal approximation it stays inside [0, 1] and is sound near 0 % and
     * 100 %, where hallucination rates often sit.
     */
    public static Interval wilson(long successes, long n) {
        return ClusteredIntervals.of(Proportions.wilson(successes, n, 0.95));
    }

    /** A confidence interval. */
    public record Interval(double low, double high) {
    }

    /**
     * The whole analysis, as written to JSON.
     *
     * @param thresholds each suite's thresholds in force for this run (its {@code @BenchmarkSuite} values
     *                   or the configured ones), so that a later step can gate on the file alone
     */
    public record Report(List<SuiteAnalysis> suites, Map<String, BuildOutcome.Thresholds> thresholds,
                         List<Comparison> temperatureComparisons,
                         @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Comparison> modelComparisons) {

        public Report {
            suites = List.copyOf(suites);
            thresholds = Collections.unmodifiableMap(new TreeMap<>(thresholds));
            temperatureComparisons = List.copyOf(temperatureComparisons);
            modelComparisons = List.copyOf(modelComparisons);
        }

        public Report(List<SuiteAnalysis> suites, Map<String, BuildOutcome.Thresholds> thresholds) {
            this(suites, thresholds, List.of(), List.of());
        }

        public Report withThresholds(Map<String, BuildOutcome.Thresholds> thresholds) {
            return new Report(suites, thresholds, temperatureComparisons, modelComparisons);
        }

        /**
         * This report with each test's lowest temperature compared with each other one, paired by question
         * ({@link dev.evalunit.internal.compare.Comparisons}).
         */
        public Report withTemperatureComparisons(List<Comparison> comparisons) {
            return new Report(suites, thresholds, comparisons, modelComparisons);
        }

        /**
         * This report with the models of a run that compares several compared with one another at each temperature,
         * paired by question ({@link dev.evalunit.internal.compare.Comparisons.By#MODEL}).
         */
        public Report withModelComparisons(List<Comparison> comparisons) {
            return new Report(suites, thresholds, temperatureComparisons, comparisons);
        }
    }

    public record SuiteAnalysis(String suite, List<TestFigures> tests) {
    }

    /**
     * One benchmark test's figures (of one model, when the run compares several).
     *
     * @param model the model compared, when the run compares several ({@code evalunit.models}); {@code null}, and
     *              left out of the JSON, when it asks one
     * @param flips questions seen at two or more temperatures, and those whose most common answer
     *              differs between temperatures (ids in order)
     */
    public record TestFigures(String test, @JsonInclude(JsonInclude.Include.NON_NULL) String model,
                              List<TemperatureAnalysis> temperatures, Flips flips) {

        /** The figures of a test of a run that asks one model. */
        public TestFigures(String test, List<TemperatureAnalysis> temperatures, Flips flips) {
            this(test, null, temperatures, flips);
        }
    }

    /**
     * @param invocations every invocation at this temperature
     * @param answered    passed plus failed
     * @param accuracy    passed / answered, or {@code null} when nothing was answered
     * @param ci95        Wilson interval of the accuracy
     * @param agreement   mean share of samples giving a question's most common answer, over questions
     *                    with two or more answered samples; {@code null} when there are none
     * @param scores      each named score's mean and interval
     * @param categories  accuracy, each score's mean and each metric per category, for rows that have one
     * @param metrics     each {@link dev.evalunit.Metric} of the test, from the means of its scores and accuracy
     * @param metricsNotDefined each metric that has no value here, with why: not a number (recall with no
     *                    positives: 0/0), infinite, or what it threw (a score no invocation recorded here)
     */
    public record TemperatureAnalysis(double temperature, long invocations, long answered, long passed, long errors,
                                      Double accuracy, Interval ci95, Double agreement, long questionsWithSamples,
                                      Map<String, ScoreFigures> scores, Map<String, CategoryFigures> categories,
                                      Map<String, Double> metrics, Map<String, String> metricsNotDefined) {
    }

    /**
     * A score's mean over the invocations that recorded it, with a 95 % interval computed over questions (a
     * question's samples are not independent): Wilson's at the effective number of questions for yes/no scores.
     */
    public record ScoreFigures(long n, double mean, Interval ci95) {
    }

    /**
     * @param scores  each score's mean over the category's answered invocations that recorded it
     * @param metrics each metric of the test, from the category's means
     * @param metricsNotDefined each metric without a value in the category, with why
     */
    public record CategoryFigures(long answered, long passed, Double accuracy, Map<String, Double> scores,
                                  Map<String, Double> metrics, Map<String, String> metricsNotDefined) {

        /** A category of a test that records no scores and has no metrics. */
        public CategoryFigures(long answered, long passed, Double accuracy) {
            this(answered, passed, accuracy, Map.of(), Map.of(), Map.of());
        }
    }

    /**
     * @param questions   questions answered at two or more temperatures
     * @param answerFlips of those, questions whose most common answer is not the same at every temperature
     * @param passFlips   of those, questions passed (by majority) at some temperature and failed at another
     * @param flipped     the answer flips in id order, each with its most common answer per temperature; the
     *                    first {@value AnswerFlips#MAX_LISTED} when there are more
     */
    public record Flips(long questions, long answerFlips, long passFlips, List<Flip> flipped) {
    }

    public record Flip(String questionId, Map<String, String> answerByTemperature) {
    }

    /** A test's tally: of one model when the run compares several, else {@code model} is {@code null}. */
    private record TestKey(String suite, String test, String model) {
    }
}
