package dev.evalunit.internal.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.evalunit.internal.compare.Comparison;
import dev.evalunit.internal.report.InvocationResult.Outcome;
import dev.evalunit.internal.stats.ClusteredProportion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * The temperature and hallucination analysis of a run: per benchmark test and temperature, accuracy
 * with a 95 % interval computed over questions (Wilson's; with samples, at the effective number of questions,
 * so that samples of one question do not count as independent), agreement across samples, the mean of each named score with its
 * interval, and accuracy per category; per test, the questions whose answer flips between
 * temperatures. Thread-safe: test threads {@link #add} concurrently.
 *
 * <p>Accuracy is the share of answered invocations (passed or failed) that passed: an error or an
 * aborted invocation has no answer to judge and is counted apart. Memory grows with questions x
 * temperatures (a few counters and at most one entry per distinct answer), not with samples.
 */
public final class Analysis {

    /** The most flipped questions listed by id (all are counted): enough for any dataset of this kind. */
    static final int MAX_FLIPS_LISTED = 2_000;

    /** The z value of a two-sided 95 % interval. */
    static final double Z95 = 1.959963984540054;

    private final Map<TestKey, TestState> tests = new ConcurrentHashMap<>();
    private final Map<TestKey, Map<String, ToDoubleFunction<Map<String, Double>>>> metrics = new ConcurrentHashMap<>();

    /**
     * The metrics of a test, each computed from the means of its scores and of {@code accuracy} at a
     * temperature and in a category. A metric that throws or gives no finite number is left out there.
     */
    public void metrics(String suite, String test, Map<String, ToDoubleFunction<Map<String, Double>>> byName) {
        if (!byName.isEmpty()) {
            metrics.put(new TestKey(suite, test), Map.copyOf(byName));
        }
    }

    /** Each test's metrics, by {@code suite · test}: what a comparison of the run's temperatures recomputes. */
    public Map<String, Map<String, ToDoubleFunction<Map<String, Double>>>> metricsByTest() {
        Map<String, Map<String, ToDoubleFunction<Map<String, Double>>>> out = new TreeMap<>();
        metrics.forEach((key, byName) -> out.put(key.suite() + " · " + key.test(), byName));
        return out;
    }

    /** Counts one finished invocation. */
    public void add(InvocationResult result) {
        tests.computeIfAbsent(new TestKey(result.suite(), result.test()), k -> new TestState()).add(result);
    }

    /**
     * Per suite and temperature, the sum of the questions' modal shares and how many questions had
     * two or more answered samples, over all the suite's tests: what the score table's agreement is.
     */
    Map<String, Map<Double, double[]>> agreementBySuite() {
        Map<String, Map<Double, double[]>> out = new HashMap<>();
        tests.forEach((key, state) -> state.agreementSums().forEach((t, acc) -> {
            double[] sum = out.computeIfAbsent(key.suite(), s -> new HashMap<>()).computeIfAbsent(t, x -> new double[2]);
            sum[0] += acc[0];
            sum[1] += acc[1];
        }));
        return out;
    }

    /** The figures so far, by suite and test in alphabetical order. */
    public Report report() {
        Map<String, List<TestFigures>> bySuite = new TreeMap<>();
        new TreeMap<>(tests).forEach((key, state) ->
                bySuite.computeIfAbsent(key.suite(), s -> new ArrayList<>()).add(state.figures(key.test(),
                        metrics.getOrDefault(key, Map.of()))));
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
        if (n == 0) {
            return new Interval(0, 1);
        }
        double p = (double) successes / n;
        double z2 = Z95 * Z95;
        double denominator = 1 + z2 / n;
        double centre = (p + z2 / (2.0 * n)) / denominator;
        double half = Z95 * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / denominator;
        return new Interval(successes == 0 ? 0 : Math.max(0, centre - half), successes == n ? 1 : Math.min(1, centre + half));
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
                         List<Comparison> temperatureComparisons) {

        public Report {
            suites = List.copyOf(suites);
            thresholds = Collections.unmodifiableMap(new TreeMap<>(thresholds));
            temperatureComparisons = List.copyOf(temperatureComparisons);
        }

        public Report(List<SuiteAnalysis> suites, Map<String, BuildOutcome.Thresholds> thresholds) {
            this(suites, thresholds, List.of());
        }

        public Report withThresholds(Map<String, BuildOutcome.Thresholds> thresholds) {
            return new Report(suites, thresholds, temperatureComparisons);
        }

        /**
         * This report with each test's lowest temperature compared with each other one, paired by question
         * ({@link dev.evalunit.internal.compare.Comparisons}).
         */
        public Report withTemperatureComparisons(List<Comparison> comparisons) {
            return new Report(suites, thresholds, comparisons);
        }
    }

    public record SuiteAnalysis(String suite, List<TestFigures> tests) {
    }

    /**
     * One benchmark test's figures.
     *
     * @param flips questions seen at two or more temperatures, and those whose most common answer
     *              differs between temperatures (ids in order)
     */
    public record TestFigures(String test, List<TemperatureAnalysis> temperatures, Flips flips) {
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

    /** Each metric's value in one cell, and why the others have none. */
    record Metrics(Map<String, Double> values, Map<String, String> notDefined) {
        static final Metrics NONE = new Metrics(Map.of(), Map.of());
    }

    /**
     * Each metric computed from {@code means} (and {@code accuracy}). One that gives no finite number, or throws
     * (a mean it needs is not there), has no value here and says why: a metric is never dropped in silence.
     */
    static Metrics metrics(Map<String, ToDoubleFunction<Map<String, Double>>> metrics, Double accuracy,
                           Map<String, Double> means) {
        if (metrics.isEmpty()) {
            return Metrics.NONE;
        }
        Map<String, Double> inputs = new HashMap<>(means);
        if (accuracy != null) {
            inputs.put("accuracy", accuracy);
        }
        Map<String, Double> out = new TreeMap<>();
        Map<String, String> notDefined = new TreeMap<>();
        Map<String, Double> view = Collections.unmodifiableMap(inputs);
        metrics.forEach((name, metric) -> {
            try {
                double value = metric.applyAsDouble(view);
                if (Double.isFinite(value)) {
                    out.put(name, value);
                } else {
                    notDefined.put(name, Double.isNaN(value) ? "not a number (NaN: such as 0/0, recall with no "
                            + "positives)" : "infinite (" + value + ": a division by zero)");
                }
            } catch (RuntimeException threw) {
                notDefined.put(name, "threw " + threw.getClass().getSimpleName() + (threw.getMessage() == null ? ""
                        : ": " + threw.getMessage()) + (threw instanceof NullPointerException ? " (a mean it needs, "
                        + "such as a score no invocation recorded here, is not there; the means are "
                        + new java.util.TreeSet<>(inputs.keySet()) + ")" : ""));
            }
        });
        return new Metrics(out, notDefined);
    }

    /**
     * @param questions   questions answered at two or more temperatures
     * @param answerFlips of those, questions whose most common answer is not the same at every temperature
     * @param passFlips   of those, questions passed (by majority) at some temperature and failed at another
     * @param flipped     the answer flips in id order, each with its most common answer per temperature; the
 *                    first 2,000 when there are more
     */
    public record Flips(long questions, long answerFlips, long passFlips, List<Flip> flipped) {
    }

    public record Flip(String questionId, Map<String, String> answerByTemperature) {
    }

    private record TestKey(String suite, String test) implements Comparable<TestKey> {
        @Override
        public int compareTo(TestKey o) {
            int bySuite = suite.compareTo(o.suite);
            return bySuite != 0 ? bySuite : test.compareTo(o.test);
        }
    }

    /** Everything kept for one test. */
    private static final class TestState {
        private final Map<Double, Cell> cells = new HashMap<>();
        private final Map<String, QuestionCell[]> questions = new HashMap<>();

        synchronized void add(InvocationResult r) {
            double t = r.temperature() + 0.0;
            Cell cell = cells.computeIfAbsent(t, x -> new Cell());
            cell.invocations++;
            if (r.status() == Outcome.ERROR) {
                cell.errors++;
            }
            boolean answered = r.status() == Outcome.PASSED || r.status() == Outcome.FAILED;
            if (!answered) {
                return;
            }
            boolean passed = r.status() == Outcome.PASSED;
            cell.add(passed, r.scores());
            if (r.category() != null) {
                cell.categories.computeIfAbsent(r.category(), x -> new Tally()).add(passed, r.scores());
            }
            QuestionCell q = cell(r.questionId(), t);
            q.answered++;
            if (passed) {
                q.passed++;
            }
            q.addScores(r.scores());
            String compared = r.comparedAnswer();
            if (compared != null) {
                q.add(RunSummary.normalize(compared));
            }
        }

        private QuestionCell cell(String questionId, double t) {
            QuestionCell[] cells = questions.get(questionId);
            if (cells != null) {
                for (QuestionCell c : cells) {
                    if (c.temperature == t) {
                        return c;
                    }
                }
            }
            QuestionCell added = new QuestionCell(t);
            QuestionCell[] grown = cells == null ? new QuestionCell[1] : Arrays.copyOf(cells, cells.length + 1);
            grown[grown.length - 1] = added;
            questions.put(questionId, grown);
            return added;
        }

        /** Per temperature, the sum of modal shares and the number of questions with two or more answers. */
        synchronized Map<Double, double[]> agreementSums() {
            Map<Double, double[]> agreement = new HashMap<>();
            for (QuestionCell[] cells : questions.values()) {
                for (QuestionCell q : cells) {
                    if (q.answered >= 2 && q.hasAnswers()) {
                        double[] acc = agreement.computeIfAbsent(q.temperature, x -> new double[2]);
                        acc[0] += (double) q.modalCount() / q.answered;
                        acc[1]++;
                    }
                }
            }
            return agreement;
        }

        synchronized TestFigures figures(String test, Map<String, ToDoubleFunction<Map<String, Double>>> metrics) {
            Map<Double, double[]> agreement = agreementSums();
            long multi = 0;
            long answerFlips = 0;
            long passFlips = 0;
            List<Flip> flipped = new ArrayList<>();
            for (Map.Entry<String, QuestionCell[]> e : new TreeMap<>(questions).entrySet()) {
                QuestionCell[] byT = e.getValue();
                if (byT.length < 2) {
                    continue;
                }
                multi++;
                String firstModal = byT[0].modal();
                boolean answerFlip = false;
                boolean passFlip = false;
                for (QuestionCell q : byT) {
                    answerFlip |= !q.modal().equals(firstModal);
                    passFlip |= q.passedByMajority() != byT[0].passedByMajority();
                }
                if (answerFlip) {
                    answerFlips++;
                    if (flipped.size() < MAX_FLIPS_LISTED) {
                        Map<String, String> modal = new TreeMap<>();
                        for (QuestionCell q : byT) {
                            modal.put(Formats.temperature(q.temperature), q.modal());
                        }
                        flipped.add(new Flip(e.getKey(), modal));
                    }
                }
                if (passFlip) {
                    passFlips++;
                }
            }
            List<TemperatureAnalysis> rows = new ArrayList<>();
            new TreeMap<>(cells).forEach((t, c) -> {
                double[] acc = agreement.get(t);
                List<QuestionCell> atT = new ArrayList<>();
                questions.values().forEach(byT -> {
                    for (QuestionCell q : byT) {
                        if (q.temperature == t && q.answered > 0) {
                            atT.add(q);
                        }
                    }
                });
                Map<String, ScoreFigures> scores = new TreeMap<>();
                c.scores.forEach((name, m) -> scores.put(name, m.figures(clustered(atT, name, m.binary))));
                Map<String, CategoryFigures> categories = new TreeMap<>();
                c.categories.forEach((name, v) -> {
                    Map<String, Double> means = v.means();
                    Metrics m = metrics(metrics, v.accuracy(), means);
                    categories.put(name, new CategoryFigures(v.answered, v.passed, v.accuracy(), means, m.values(),
                            m.notDefined()));
                });
                Metrics m = metrics(metrics, c.accuracy(), c.means());
                rows.add(new TemperatureAnalysis(t, c.invocations, c.answered, c.passed, c.errors,
                        c.accuracy(), clustered(atT),
                        acc == null ? null : acc[0] / acc[1], acc == null ? 0 : (long) acc[1], scores, categories,
                        m.values(), m.notDefined()));
            });
            return new TestFigures(test, rows, new Flips(multi, answerFlips, passFlips, flipped));
        }
    }

    /**
     * The 95 % interval of the accuracy at one temperature, computed over questions: a question's samples are
     * not independent of each other, so the interval is Wilson's at the effective number of questions
     * ({@link ClusteredProportion}); with one sample per question it is Wilson's over the invocations.
     */
    static Interval clustered(List<QuestionCell> questions) {
        if (questions.isEmpty()) {
            return new Interval(0, 1);
        }
        int[] passed = new int[questions.size()];
        int[] answered = new int[questions.size()];
        for (int i = 0; i < passed.length; i++) {
            passed[i] = questions.get(i).passed;
            answered[i] = questions.get(i).answered;
        }
        var interval = ClusteredProportion.of(passed, answered, 0.95).interval();
        return new Interval(interval.low(), interval.high());
    }

    /**
     * The 95 % interval of a score's mean at one temperature, over questions as {@link #clustered(List)}: for a
     * yes/no score Wilson's at the effective number of questions; for others the mean plus or minus z times
     * the cluster-robust standard error, {@code sqrt(Q/(Q-1) * sum_q (S_q - mean * n_q)^2) / N} (with one sample
     * per question, the usual {@code s / sqrt(n)}). {@code null} when no question recorded it.
     */
    static Interval clustered(List<QuestionCell> questions, String score, boolean binary) {
        List<double[]> recorded = new ArrayList<>();
        for (QuestionCell q : questions) {
            double[] s = q.scores == null ? null : q.scores.get(score);
            if (s != null && s[1] > 0) {
                recorded.add(s);
            }
        }
        if (recorded.isEmpty()) {
            return null;
        }
        if (binary) {
            int[] ones = new int[recorded.size()];
            int[] n = new int[recorded.size()];
            for (int i = 0; i < ones.length; i++) {
                ones[i] = (int) recorded.get(i)[0];
                n[i] = (int) recorded.get(i)[1];
            }
            var interval = ClusteredProportion.of(ones, n, 0.95).interval();
            return new Interval(interval.low(), interval.high());
        }
        double sum = 0;
        double count = 0;
        for (double[] s : recorded) {
            sum += s[0];
            count += s[1];
        }
        double mean = sum / count;
        int q = recorded.size();
        if (q < 2) {
            return new Interval(mean, mean);
        }
        double squares = 0;
        for (double[] s : recorded) {
            double residual = s[0] - mean * s[1];
            squares += residual * residual;
        }
        double half = Z95 * Math.sqrt((double) q / (q - 1) * squares) / count;
        return new Interval(mean - half, mean + half);
    }

    /** The answered invocations of a temperature, or of a category in it: how many passed, and their scores. */
    private static class Tally {
        long answered;
        long passed;
        final Map<String, Moments> scores = new TreeMap<>();

        void add(boolean pass, Map<String, Double> recorded) {
            answered++;
            if (pass) {
                passed++;
            }
            recorded.forEach((name, value) -> scores.computeIfAbsent(name, n -> new Moments()).add(value));
        }

        Double accuracy() {
            return answered == 0 ? null : (double) passed / answered;
        }

        Map<String, Double> means() {
            Map<String, Double> means = new TreeMap<>();
            scores.forEach((name, m) -> means.put(name, m.mean));
            return means;
        }
    }

    private static final class Cell extends Tally {
        long invocations;
        long errors;
        final Map<String, Tally> categories = new TreeMap<>();
    }

    /**
     * One question at one temperature: its samples' answers. Most questions have one sample, or
     * samples that agree, so the first answer is kept in a field and a map is made only when a
     * different one comes.
     */
    private static final class QuestionCell {
        final double temperature;
        int answered;
        int passed;
        String first;
        int firstCount;
        Map<String, Integer> others;
        /** Each score's sum and count over the answered samples; {@code null} while none recorded one. */
        Map<String, double[]> scores;

        QuestionCell(double temperature) {
            this.temperature = temperature;
        }

        void addScores(Map<String, Double> recorded) {
            if (recorded.isEmpty()) {
                return;
            }
            if (scores == null) {
                scores = new HashMap<>(4);
            }
            recorded.forEach((name, value) -> {
                double[] s = scores.computeIfAbsent(name, n -> new double[2]);
                s[0] += value;
                s[1]++;
            });
        }

        void add(String answer) {
            if (first == null || first.equals(answer)) {
                first = answer;
                firstCount++;
            } else {
                if (others == null) {
                    others = new HashMap<>(4);
                }
                others.merge(answer, 1, Integer::sum);
            }
        }

        boolean hasAnswers() {
            return first != null;
        }

        int modalCount() {
            int most = firstCount;
            if (others != null) {
                for (int c : others.values()) {
                    most = Math.max(most, c);
                }
            }
            return most;
        }

        /** The most common answer; ties go to the alphabetically first, so it is the same in every run. */
        String modal() {
            String best = first;
            int count = firstCount;
            if (others != null) {
                for (Map.Entry<String, Integer> e : others.entrySet()) {
                    if (e.getValue() > count || e.getValue() == count && e.getKey().compareTo(best) < 0) {
                        best = e.getKey();
                        count = e.getValue();
                    }
                }
            }
            return Objects.requireNonNullElse(best, "");
        }

        boolean passedByMajority() {
            return 2 * passed > answered;
        }
    }

    /** Count and mean of a score, and whether every value was 0 or 1 (a yes/no score). */
    private static final class Moments {
        long n;
        double mean;
        boolean binary = true;

        void add(double x) {
            n++;
            mean += (x - mean) / n;
            if (x != 0.0 && x != 1.0) {
                binary = false;
            }
        }

        /** The mean over invocations, with {@code interval} computed over questions. */
        ScoreFigures figures(Interval interval) {
            return new ScoreFigures(n, mean, interval != null ? interval : new Interval(mean, mean));
        }
    }
}
