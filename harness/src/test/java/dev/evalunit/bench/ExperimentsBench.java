package dev.evalunit.bench;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.evalunit.Answer;
import dev.evalunit.ChatRequest;
import dev.evalunit.Completion;
import dev.evalunit.Prompt;
import dev.evalunit.QuestionRow;
import dev.evalunit.Questions;
import dev.evalunit.Scorecard;
import dev.evalunit.config.ConfigSources;
import dev.evalunit.config.ConfigValues;
import dev.evalunit.internal.checkpoint.CheckpointOptions;
import dev.evalunit.internal.checkpoint.CheckpointStore;
import dev.evalunit.internal.checkpoint.InvocationKey;
import dev.evalunit.internal.checkpoint.Origin;
import dev.evalunit.internal.compare.CompareOptions;
import dev.evalunit.internal.report.CompareRuns;
import dev.evalunit.internal.runs.InvocationRecord;
import dev.evalunit.internal.runs.RunRecord;
import dev.evalunit.junit.BenchmarkSuite;
import dev.evalunit.junit.BenchmarkTest;
import dev.evalunit.simulator.OpenAiSimulator;
import dev.evalunit.simulator.SimulatorOptions;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * Issue 22's figures, into {@code target/bench/experiments.json}; it prints them and asserts nothing about them.
 * <ul>
 *   <li>{@code aba_third_run_requests}: a suite run with model A, then B, then A again, on the simulator: the
 *       requests the third run sent (every answer is stored by its request, so 0);</li>
 *   <li>{@code rescore_requests}: the same suite with its scorer rewritten (another method, another rule),
 *       after a run: the requests it sent;</li>
 *   <li>{@code compare_seconds_100k}: {@code CompareRuns} on two kept runs of 100,000 invocations each (4 tests,
 *       3 temperatures, 2,778 questions, 3 samples, a yes/no score and a mean score), reading both records,
 *       computing every paired comparison (2,000 resamples) and writing compare.md, .json and .html; median
 *       of {@code -Dbench.runs} (3);</li>
 *   <li>{@code heap_mb_1m_stored}: the live heap of a checkpoint store opened on 1,000,000 stored answers
 *       (each with an 80-character text and one token's log probabilities), after a full collection, and
 *       {@code store_load_ms_1m}, the time to open it: medians of {@code -Dbench.runs} openings.</li>
 * </ul>
 */
class ExperimentsBench {

    static final int ROWS = 300;
    static final int RUNS = Integer.getInteger("bench.runs", 3);

    @Test
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void measure() throws Exception {
        Map<String, Object> figures = new LinkedHashMap<>();
        try (BenchSupport.WorkDir work = BenchSupport.WorkDir.create("experiments")) {
            suiteRuns(work, figures);
            compare(work, figures);
            store(work, figures);
        }
        BenchSupport.write("experiments.json", figures);
    }

    // --- A, B, A and re-scoring, through the JUnit extension on the simulator ---------------------------------

    record Row(String id, String text) implements QuestionRow {
        static Stream<Row> rows() {
            return IntStream.rangeClosed(1, ROWS).mapToObj(i -> new Row("h" + i, "Is claim " + i + " true?\nA. yes\nB. no"));
        }
    }

    @BenchmarkSuite(name = "ExperimentsBench", temperatures = {0.0, 1.0})
    static class ClaimsTestCase {
        static Stream<Row> rows() {
            return Row.rows();
        }

        @Prompt
        static ChatRequest ask(Row row) {
            return ChatRequest.user(row.text()).maxTokens(5);
        }

        @BenchmarkTest
        @Questions("rows")
        void saysYes(Row row, Answer answer, Scorecard card) {
            card.score("yes", answer.letter().filter(l -> l == 'A').isPresent());
        }
    }

    @BenchmarkSuite(name = "ExperimentsBench", temperatures = {0.0, 1.0})
    static class RescoredTestCase {
        static Stream<Row> rows() {
            return Row.rows();
        }

        @Prompt
        static ChatRequest ask(Row row) {
            return ChatRequest.user(row.text()).maxTokens(5);
        }

        @BenchmarkTest
        @Questions("rows")
        void picksALetter(Row row, Answer answer, Scorecard card) {
            card.score("letter", answer.letter().isPresent());
        }
    }

    private static long run(OpenAiSimulator simulator, Path dir, Class<?> fixture, String model) {
        simulator.reset();
        Map<String, String> p = new HashMap<>(Map.of(
                "evalunit.checkpoint.dir", dir.resolve("benchmark-state").toString(),
                "evalunit.results.dir", dir.resolve("results").toString(),
                "evalunit.progress", "off",
                "evalunit.allure", "false",
                "evalunit.wrong-answers", "record",
                "evalunit.openai.api-key", BenchSupport.KEY,
                "evalunit.openai.base-url", simulator.baseUrl(),
                "evalunit.model", model));
        EngineTestKit.engine("junit-jupiter").configurationParameters(p).selectors(selectClass(fixture)).execute()
                .testEvents().assertStatistics(s -> s.started(2 * ROWS));
        return simulator.requests().chatRequests();
    }

    private static void suiteRuns(BenchSupport.WorkDir work, Map<String, Object> figures) throws Exception {
        try (OpenAiSimulator simulator = OpenAiSimulator.start(SimulatorOptions.defaults())) {
            Path dir = work.dir("aba");
            long first = run(simulator, dir, ClaimsTestCase.class, "gpt-4.1-mini");
            long second = run(simulator, dir, ClaimsTestCase.class, "gpt-4o-mini");
            long third = run(simulator, dir, ClaimsTestCase.class, "gpt-4.1-mini");
            long rescored = run(simulator, dir, RescoredTestCase.class, "gpt-4o-mini");
            System.out.printf(Locale.ROOT, "A, B, A (%d invocations each): %d, %d and %d requests; the rewritten scorer "
                    + "after them: %d%n", 2 * ROWS, first, second, third, rescored);
            figures.put("aba_invocations_per_run", 2 * ROWS);
            figures.put("aba_first_run_requests", first);
            figures.put("aba_second_run_requests", second);
            figures.put("aba_third_run_requests", third);
            figures.put("rescore_requests", rescored);
        }
    }

    // --- comparing two runs of 100,000 invocations ------------------------------------------------------------

    private static void compare(BenchSupport.WorkDir work, Map<String, Object> figures) throws Exception {
        Path results = work.dir("compare");
        ConfigValues none = ConfigValues.read(ConfigSources.of(Map.of(), Map.of(), null));
        String a = keptRun(results, none, Instant.parse("2026-12-01T10:00:00Z"), 0.0);
        String b = keptRun(results, none, Instant.parse("2026-12-02T10:00:00Z"), 0.1);
        double[] seconds = new double[RUNS];
        for (int i = 0; i < RUNS; i++) {
            long start = System.nanoTime();
            String table = CompareRuns.run(results, a + "," + b, null, results.resolve("out-" + i).toString(),
                    CompareOptions.from(none));
            seconds[i] = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "compare 100,000 against 100,000 invocations, run %d: %.2f s (%d lines "
                    + "printed)%n", i + 1, seconds[i], table.lines().count());
        }
        figures.put("compare_invocations_per_run", 100_008);
        figures.put("compare_seconds_100k", BenchSupport.round(BenchSupport.median(seconds), 2));
    }

    /** A kept run of 4 tests x 3 temperatures x 2,778 questions x 3 samples; {@code worse} of B's passes flipped. */
    private static String keptRun(Path results, ConfigValues values, Instant at, double worse) {
        RunRecord record = RunRecord.start(results, values, "simulated", Clock.fixed(at, ZoneOffset.UTC));
        SplittableRandom truth = new SplittableRandom(7);
        SplittableRandom noise = new SplittableRandom(at.getEpochSecond());
        for (int test = 1; test <= 4; test++) {
            for (double t : new double[] {0.0, 0.5, 1.0}) {
                for (int q = 1; q <= 2_778; q++) {
                    for (int s = 1; s <= 3; s++) {
                        boolean passed = truth.nextDouble() < 0.7 - 0.1 * t;
                        if (passed && noise.nextDouble() < worse) {
                            passed = false;
                        }
                        String id = String.format(Locale.ROOT, "q%05d", q);
                        record.add(new InvocationRecord("Bench", "Test" + test + ".answers", id, "c" + q % 38, t, s,
                                "gpt-4o-mini", "simulated", passed ? "passed" : "failed", passed ? null : "wrong answer",
                                "The answer to question " + id + " is " + (passed ? "right" : "wrong") + ", said at T=" + t,
                                passed ? "A" : "B", Map.of("truthful", passed ? 1.0 : 0.0, "mass", passed ? 0.8 : 0.3),
                                Map.of(), 50, 5, 0.00001, 400, "sent", null, null), "Question " + id);
                    }
                }
            }
        }
        record.end(false, null, null);
        return record.id();
    }

    // --- a store of 1,000,000 answers --------------------------------------------------------------------------

    private static void store(BenchSupport.WorkDir work, Map<String, Object> figures) throws Exception {
        Path dir = work.dir("store");
        Origin origin = Origin.live(URI.create("https://api.openai.com/v1"));
        CheckpointOptions options = CheckpointOptions.in(dir).withFlushEvery(10_000);
        int answers = 1_000_000;
        long writing = System.nanoTime();
        InvocationKey probe = null;
        try (CheckpointStore store = CheckpointStore.open("Store", origin, options)) {
            for (int i = 0; i < answers; i++) {
                ChatRequest request = ChatRequest.user("Question " + i + ": which option is right?").maxTokens(5);
                InvocationKey key = InvocationKey.of("Store", "answers", "q" + i, 0.0, 1, request, "gpt-4o-mini");
                store.append(key, completion(i));
                if (i == answers / 2) {
                    probe = key;
                }
            }
        }
        System.out.printf(Locale.ROOT, "wrote %,d stored answers in %.1f s%n", answers, (System.nanoTime() - writing) / 1e9);
        double[] loads = new double[RUNS];
        double[] heapMb = new double[RUNS];
        for (int i = 0; i < RUNS; i++) {
            long before = usedAfterGc();
            long start = System.nanoTime();
            try (CheckpointStore store = CheckpointStore.open("Store", origin, options)) {
                loads[i] = (System.nanoTime() - start) / 1e6;
                long after = usedAfterGc();
                String text = store.lookup(probe).map(Completion::text).orElseThrow();
                heapMb[i] = (after - before) / 1e6;
                System.out.printf(Locale.ROOT, "load %d: %,d answers in %.0f ms, heap %.1f MB; the middle one reads "
                        + "back \"%s\"%n", i + 1, store.loadReport().answers(), loads[i], (after - before) / 1e6, text);
            }
        }
        figures.put("stored_answers", answers);
        figures.put("heap_mb_1m_stored", BenchSupport.round(BenchSupport.median(heapMb), 1));
        figures.put("store_load_ms_1m", BenchSupport.round(BenchSupport.median(loads), 0));
    }

    private static Completion completion(int i) {
        String text = "The true option is " + "ABCD".charAt(i % 4) + ", as the question " + i + " asks about it.";
        List<Completion.TokenLogprob> logprobs = List.of(new Completion.TokenLogprob("ABCD".substring(i % 4, i % 4 + 1),
                -0.05, List.of(new Completion.Alternative("A", -0.05), new Completion.Alternative("B", -3.2),
                new Completion.Alternative("C", -4.1), new Completion.Alternative("D", -5.0),
                new Completion.Alternative("E", -7.5))));
        return new Completion(text, List.of(text), "stop", "gpt-4o-mini-2024-07-18", 60, 20, 0,
                Duration.ofMillis(412), Duration.ofMillis(530), 1, "req_" + i, "fp_44", 0.0000084, logprobs);
    }

    private static long usedAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        return heap.getUsed();
    }
}
