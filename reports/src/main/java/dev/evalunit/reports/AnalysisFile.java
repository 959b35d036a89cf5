package dev.evalunit.reports;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A run's temperature analysis as the harness writes it ({@code target/evalunit/analysis.json}): per
 * suite and test, per temperature, accuracy with its Wilson 95 % interval, agreement across samples,
 * named scores, per-category accuracy, and the questions whose answer flips between temperatures;
 * per suite, the thresholds the run was judged by. Fields this reader does not know are ignored, so
 * newer harnesses stay readable. Immutable.
 */
public record AnalysisFile(List<Suite> suites, Map<String, Thresholds> thresholds) {

    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public AnalysisFile {
        suites = suites == null ? List.of() : List.copyOf(suites);
        thresholds = thresholds == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(thresholds));
    }

    /**
     * Reads one analysis file.
     *
     * @throws ReportInputException naming the file when it cannot be read or is not an analysis
     */
    public static AnalysisFile read(Path file) {
        Objects.requireNonNull(file, "file");
        if (!Files.isRegularFile(file)) {
            throw new ReportInputException("no analysis file at " + file.toAbsolutePath()
                    + ": run a benchmark first (e.g. mvn test -Dsuite=TruthfulQA), or name the file with "
                    + ReportOptions.ANALYSIS);
        }
        try {
            AnalysisFile analysis = JSON.readValue(file.toFile(), AnalysisFile.class);
            for (Suite suite : analysis.suites()) {
                if (suite.suite() == null || suite.suite().isBlank()) {
                    throw new ReportInputException(file.toAbsolutePath() + ": a suite without a name");
                }
            }
            return analysis;
        } catch (IOException e) {
            throw new ReportInputException("cannot read the analysis in " + file.toAbsolutePath() + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Reads and merges several files (one per benchmark module); a suite in two files keeps the tests of
     * both, and the later file's thresholds win.
     *
     * @throws ReportInputException when one test is in two files (the shards of a split run): its figures
     *                                  cannot be added up (intervals, agreement, flips), so the message says how
     *                                  to get one analysis of the whole run
     */
    public static AnalysisFile read(Collection<Path> files) {
        Map<String, List<Test>> tests = new LinkedHashMap<>();
        Map<String, Thresholds> thresholds = new TreeMap<>();
        Map<String, Path> seenIn = new LinkedHashMap<>();
        for (Path file : files) {
            AnalysisFile one = read(file);
            for (Suite s : one.suites()) {
                for (Test t : s.tests()) {
                    Path earlier = seenIn.putIfAbsent(s.suite() + " · " + t.name(), file);
                    if (earlier != null) {
                        throw new ReportInputException(s.suite() + " · " + t.name() + " is in two analysis files, "
                                + earlier + " and " + file + ", as after the shards of a split run "
                                + "(evalunit.shard): their figures cannot be added up. Put the shards' checkpoint files "
                                + "(benchmark-state/<suite>/.../run-*.jsonl) in one directory and run the suite again "
                                + "on it without evalunit.shard: every answer is replayed, nothing is sent, and one "
                                + "analysis and one set of Allure results are written (README, Splitting a run)");
                    }
                }
                tests.computeIfAbsent(s.suite(), k -> new ArrayList<>()).addAll(s.tests());
            }
            thresholds.putAll(one.thresholds());
        }
        List<Suite> suites = new ArrayList<>();
        tests.forEach((name, list) -> suites.add(new Suite(name, list)));
        return new AnalysisFile(suites, thresholds);
    }

    /** The thresholds recorded for {@code suite}, or the harness's defaults (no pass rate, 1 % errors). */
    public Thresholds thresholdsOf(String suite) {
        return thresholds.getOrDefault(suite, Thresholds.DEFAULTS);
    }

    public record Suite(String suite, List<Test> tests) {
        public Suite {
            tests = tests == null ? List.of() : List.copyOf(tests);
        }
    }

    /**
     * @param test  {@code Class.method}
     * @param flips questions seen at two or more temperatures and how many changed; {@code null} in files
     *              of runs at one temperature
     * @param model the model of these figures, in a run that compared several ({@code evalunit.models}): the file
     *              has an entry per test and model then; {@code null} otherwise
     */
    public record Test(String test, List<Temperature> temperatures, Flips flips, String model) {
        public Test {
            temperatures = temperatures == null ? List.of() : List.copyOf(temperatures);
        }

        /** The figures of a test of a run of one model. */
        public Test(String test, List<Temperature> temperatures, Flips flips) {
            this(test, temperatures, flips, null);
        }

        /** {@code Class.method}, or {@code Class.method · gpt-4o-mini} for one model's figures. */
        public String name() {
            return model == null ? test : test + " · " + model;
        }

        /** The method's name without its class (and the model, for one model's figures), for titles. */
        public String shortName() {
            int dot = test.lastIndexOf('.');
            String method = dot < 0 ? test : test.substring(dot + 1);
            return model == null ? method : method + " · " + model;
        }
    }

    /**
     * One temperature of one test.
     *
     * @param answered  passed plus failed (errors and aborted invocations are not answers)
     * @param accuracy  passed / answered, {@code null} when nothing was answered
     * @param ci95      Wilson 95 % interval of the accuracy
     * @param agreement mean share of samples giving a question's most common answer; {@code null} with one
     *                  sample per question
     */
    public record Temperature(double temperature, long invocations, long answered, long passed, long errors,
                              Double accuracy, Interval ci95, Double agreement, long questionsWithSamples,
                              Map<String, Score> scores, Map<String, Category> categories) {
        public Temperature {
            scores = scores == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(scores));
            categories = categories == null ? Map.of()
                    : java.util.Collections.unmodifiableMap(new TreeMap<>(categories));
        }
    }

    public record Interval(double low, double high) {
    }

    /** A named score's mean over the invocations that recorded it (e.g. {@code truthful}, {@code true_mass}). */
    public record Score(long n, double mean, Interval ci95) {
    }

    public record Category(long answered, long passed, Double accuracy) {
    }

    /**
     * @param questions   questions answered at two or more temperatures
     * @param answerFlips of those, whose most common answer differs between temperatures
     * @param passFlips   of those, passed at one temperature and failed at another
     * @param flipped     the flipped questions in id order (at most the first 2,000)
     */
    public record Flips(long questions, long answerFlips, long passFlips, List<Flip> flipped) {
        public Flips {
            flipped = flipped == null ? List.of() : List.copyOf(flipped);
        }
    }

    public record Flip(String questionId, Map<String, String> answerByTemperature) {
    }

    /**
     * What a suite is judged by.
     *
     * @param minPassRate  lowest pass rate at any temperature, 0 to 1 (0 checks nothing)
     * @param maxErrorRate highest share of invocations that failed after retries, 0 to 1
     */
    public record Thresholds(double minPassRate, double maxErrorRate) {
        public static final Thresholds DEFAULTS = new Thresholds(0, 0.01);
    }
}
