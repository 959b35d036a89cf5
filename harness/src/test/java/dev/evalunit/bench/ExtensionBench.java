package dev.evalunit.bench;

import static dev.evalunit.bench.BenchSupport.median;
import static dev.evalunit.bench.BenchSupport.round;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.evalunit.Answer;
import dev.evalunit.ChatRequest;
import dev.evalunit.Completion;
import dev.evalunit.Prompt;
import dev.evalunit.QuestionRow;
import dev.evalunit.Questions;
import dev.evalunit.Temperatures;
import dev.evalunit.config.ConfigSources;
import dev.evalunit.config.EvalConfig;
import dev.evalunit.internal.checkpoint.CheckpointOptions;
import dev.evalunit.internal.checkpoint.CheckpointStore;
import dev.evalunit.internal.checkpoint.LoadReport;
import dev.evalunit.internal.checkpoint.Origin;
import dev.evalunit.internal.client.RunClient;
import dev.evalunit.junit.BenchmarkSuite;
import dev.evalunit.junit.BenchmarkTest;
import dev.evalunit.junit.ChildRun;
import dev.evalunit.junit.ChildRunProcess;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Measures the JUnit extension and writes {@code target/bench/extension.json}: what running a
 * benchmark as JUnit tests costs over the bare client ({@code junit_overhead_ratio}), whether a run
 * killed with SIGKILL resumes without paying twice and ends as an uninterrupted one does
 * ({@code resume_duplicate_requests}, {@code resume_results_match}), and the heap and reload time of
 * a 100,000-invocation run ({@code heap_mb_100k}, {@code resume_load_ms_100k}). It prints figures;
 * it asserts nothing about speed. {@code -Dbench.runs=N} (default 3) sets the overhead pairs,
 * {@code -Dbench.only=overhead,resume,heap} a subset.
 */
class ExtensionBench {

    private static final int RUNS = Integer.getInteger("bench.runs", 3);
    private static final int LOADS = 5;

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void measure() throws Exception {
        Map<String, Object> figures = new LinkedHashMap<>();
        Set<String> only = Set.of(System.getProperty("bench.only", "").split("\\s*,\\s*"));
        boolean all = only.equals(Set.of(""));
        if (all || only.contains("overhead")) {
            overhead(figures);
        }
        if (all || only.contains("resume")) {
            ResumeScenario.measure(figures);
        }
        if (all || only.contains("heap")) {
            heap(figures);
        }
        if (figures.isEmpty()) {
            System.out.println("ExtensionBench: -Dbench.only names none of overhead, resume, heap; extension.json left as it was");
            return;
        }
        BenchSupport.write("extension.json", figures);
    }

    /** The configuration parameters every fixture run gets; rate limits high enough never to bind. */
    static Map<String, String> parameters(String baseUrl, Path checkpoints, int concurrency) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("evalunit.openai.api-key", BenchSupport.KEY);
        p.put("evalunit.openai.base-url", baseUrl);
        p.put("evalunit.rate-limit.max-concurrency", Integer.toString(concurrency));
        p.put("evalunit.rate-limit.rpm", "10000000");
        p.put("evalunit.rate-limit.tpm", "1000000000");
        p.put("evalunit.checkpoint.dir", checkpoints.toString());
        p.put("evalunit.progress", "off");
        // Allure results are part of what a run costs; they go next to the run's checkpoints, not into target/.
        p.put("evalunit.allure.results-dir", checkpoints.resolveSibling(checkpoints.getFileName() + "-allure").toString());
        return p;
    }

    // --- JUnit run over the client alone, 3,000 invocations at 200 ms ------------------------------

    private void overhead(Map<String, Object> figures) throws Exception {
        try (BenchSupport.ChildSimulator sim = new BenchSupport.ChildSimulator("--latency-ms", "200");
             BenchSupport.WorkDir work = BenchSupport.WorkDir.create("overhead")) {
            // Warms the JIT for JUnit, the extension and the client alike, and the simulator; not counted.
            System.out.printf(Locale.ROOT, "overhead warm-up: JUnit run %.2f s%n", junitRun(sim.baseUrl, work.dir("warm-up")) / 1e9);
            double[] ratios = new double[RUNS];
            for (int run = 0; run < RUNS; run++) {
                // Alternate which goes first, so neither always meets a warmer simulator.
                boolean clientFirst = run % 2 == 0;
                long client = clientFirst ? clientAlone(sim.baseUrl, work.root) : 0;
                long junit = junitRun(sim.baseUrl, work.dir("junit-" + run));
                if (!clientFirst) {
                    client = clientAlone(sim.baseUrl, work.root);
                }
                ratios[run] = (double) junit / client;
                System.out.printf(Locale.ROOT, "overhead run %d: client alone %.2f s, JUnit run %.2f s, ratio %.3f%n",
                        run, client / 1e9, junit / 1e9, ratios[run]);
            }
            figures.put("junit_overhead_ratio", round(median(ratios), 3));
        }
    }

    /** The fixture through the JUnit Platform Launcher in this JVM, from discovery to the run's close. */
    private static long junitRun(String baseUrl, Path checkpoints) {
        long start = System.nanoTime();
        ChildRun.Summary summary = ChildRun.execute(List.of(OverheadTestCase.class.getName()),
                parameters(baseUrl, checkpoints, 64));
        long nanos = System.nanoTime() - start;
        if (summary.succeeded() != OverheadTestCase.INVOCATIONS || summary.containersFailed() > 0) {
            throw new IllegalStateException("the overhead fixture did not pass in full: " + summary.toLine());
        }
        return nanos;
    }

    /** The same requests through a RunClient built from the same configuration, all sent at once and awaited. */
    private static long clientAlone(String baseUrl, Path checkpoints) throws Exception {
        long start = System.nanoTime();
        EvalConfig config = config(parameters(baseUrl, checkpoints, 64));
        try (RunClient run = RunClient.open(config)) {
            // The requests the plan makes: each row's @Prompt at each of the test's temperatures.
            List<CompletableFuture<Completion>> all = new ArrayList<>(OverheadTestCase.INVOCATIONS);
            OverheadTestCase.questions().map(OverheadTestCase::ask).forEach(r -> {
                for (double t : new double[] {0.0, 0.5, 1.0}) {
                    all.add(run.client().generateAsync(r.temperature(t).model(config.defaultModel())));
                }
            });
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
            if (all.size() != OverheadTestCase.INVOCATIONS) {
                throw new IllegalStateException("the plan has " + all.size() + " invocations");
            }
        }
        return System.nanoTime() - start;
    }

    /** As the extension reads it: this process's sources, with the parameters as strong as -D. */
    private static EvalConfig config(Map<String, String> parameters) {
        ConfigSources real = ConfigSources.real();
        Map<String, String> properties = new HashMap<>(real.systemProperties());
        properties.putAll(parameters);
        ConfigSources sources = ConfigSources.of(properties, real.environment(), real.workingDirectory().orElse(null));
        return EvalConfig.load(real.classLoader().map(sources::withClassLoader).orElse(sources));
    }

    // --- 100,000 invocations in a 256 MB child JVM, and reloading their checkpoint -----------------

    /**
     * {@code heap_mb_100k} is the live heap after a full collection ({@code System.gc()}) at the end of
     * the suite, while the run still holds everything it gathered (checkpoint index, JUnit's test plan,
     * the score table's counts), all of which only grow during a run: the heap the run needs. Also
     * printed, not recorded: the most heap in use after any collection of the run, which adds garbage G1
     * had not yet collected and so depends on the heap it was given.
     */
    private void heap(Map<String, Object> figures) throws Exception {
        try (BenchSupport.WorkDir work = BenchSupport.WorkDir.create("heap")) {
            Path checkpoints = work.dir("checkpoints");
            ChildRunProcess.Result result;
            Origin origin;
            try (BenchSupport.ChildSimulator sim = new BenchSupport.ChildSimulator("--latency-ms", "0")) {
                origin = Origin.live(java.net.URI.create(sim.baseUrl)); // its answers' origin
                Map<String, String> parameters = new LinkedHashMap<>(parameters(sim.baseUrl, checkpoints, 64));
                // Heap only: an Allure result is written and forgotten when its invocation ends, and 100,000
                // of them would be half a million small files.
                parameters.put("evalunit.allure", "false");
                try (ChildRunProcess child = ChildRunProcess.start(List.of("-Xmx256m"), List.of(HeapTestCase.class),
                        parameters, null)) {
                    result = child.await(Duration.ofMinutes(6));
                }
            }
            ChildRun.Summary summary = result.summary().orElseThrow(() ->
                    new IllegalStateException("the 100,000-invocation child printed no summary; exit " + result.exitCode()));
            if (summary.succeeded() != HeapTestCase.INVOCATIONS || result.exitCode() != 0) {
                throw new IllegalStateException("the 100,000-invocation run did not pass in full under -Xmx256m: exit "
                        + result.exitCode() + ", " + summary.toLine());
            }
            double liveAtEnd = result.output().stream().filter(l -> l.startsWith(HeapTestCase.LIVE))
                    .mapToDouble(l -> Double.parseDouble(l.substring(HeapTestCase.LIVE.length()))).findFirst()
                    .orElseThrow(() -> new IllegalStateException("the heap fixture printed no " + HeapTestCase.LIVE));
            System.out.printf(Locale.ROOT, "heap: 100,000 invocations in %.1f s under -Xmx256m; live heap after a full "
                            + "GC at the suite's end %.1f MB; heap used after its fullest collection %.1f MB%n",
                    summary.wallMs() / 1e3, liveAtEnd, summary.heapPeakAfterGcMb());
            figures.put("heap_mb_100k", round(liveAtEnd, 1));

            double[] loads = new double[LOADS];
            for (int i = 0; i < LOADS; i++) {
                long start = System.nanoTime();
                try (CheckpointStore store = CheckpointStore.open(HeapTestCase.SUITE, origin,
                        CheckpointOptions.in(checkpoints))) {
                    LoadReport loaded = store.loadReport(); // what SuiteStates.checkpoint does on first use
                    loads[i] = (System.nanoTime() - start) / 1e6;
                    System.out.printf(Locale.ROOT, "resume load %d: %d lines, %d answers to replay in %.0f ms%n", i,
                            loaded.lines(), loaded.answers(), loads[i]);
                }
            }
            figures.put("resume_load_ms_100k", round(median(loads), 0));
        }
    }

    // --- fixtures: run only when a bench selects them (nested classes of a *Bench are not in any include) --

    /** A dataset row; {@code correct} is the option letter a fixture expects. */
    record Row(String id, String text, int number, char correct) implements QuestionRow {

        /**
         * {@code count} rows, made as they are read, each text starting {@code Question <id>:} so a request
         * names its row. The simulator answers multiple-choice text with one letter.
         */
        static Stream<Row> rows(String prefix, int count, boolean multipleChoice) {
            return IntStream.rangeClosed(1, count).mapToObj(i -> {
                String id = String.format(Locale.ROOT, "%s-%05d", prefix, i);
                String text = "Question " + id + ": " + (multipleChoice
                        ? "which option is right?\nA. one\nB. two\nC. three\nD. four"
                        : "which city is the capital of the country numbered " + i + "?");
                return new Row(id, text, i, "ABCD".charAt(i % 4));
            });
        }
    }

    @BenchmarkSuite(name = "ExtensionBenchOverhead")
    static class OverheadTestCase {
        static final int INVOCATIONS = 3_000;

        static Stream<Row> questions() {
            return Row.rows("o", 1_000, false);
        }

        @Prompt
        static ChatRequest ask(Row row) {
            return ChatRequest.user(row.text()).maxTokens(24);
        }

        @BenchmarkTest
        @Questions("questions")
        @Temperatures({0.0, 0.5, 1.0})
        void answers(Row row, Answer answer) {
            assertNotNull(answer.text());
        }
    }

    @BenchmarkSuite(name = "ExtensionBenchHeap")
    static class HeapTestCase {
        static final String SUITE = "ExtensionBenchHeap";
        static final int INVOCATIONS = 100_000;
        static final String LIVE = "HEAP_LIVE_AT_END_MB=";

        static Stream<Row> questions() {
            return Row.rows("h", 50_000, false);
        }

        @Prompt
        static ChatRequest ask(Row row) {
            return ChatRequest.user(row.text()).maxTokens(24);
        }

        @BenchmarkTest
        @Questions("questions")
        @Temperatures({0.0, 1.0})
        void answers(Row row, Answer answer) {
            assertNotNull(answer.text());
        }

        /** The live heap while everything of the run (checkpoint index, test plan) is still held. */
        @AfterAll
        static void liveHeap() {
            System.gc();
            System.out.printf(Locale.ROOT, "%s%.1f%n", LIVE,
                    ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024.0 * 1024.0));
        }
    }

    @BenchmarkSuite(name = ResumeTestCase.SUITE)
    static class ResumeTestCase {
        static final String SUITE = "ExtensionBenchResume";
        static final int INVOCATIONS = 2_000;

        static Stream<Row> questions() {
            return Row.rows("r", 1_000, true);
        }

        /** Seeded, so the simulator answers each request the same however often and in whatever order it comes. */
        @Prompt
        static ChatRequest ask(Row row) {
            return ChatRequest.user(row.text()).maxTokens(5).seed(row.number());
        }

        @BenchmarkTest
        @Questions("questions")
        @Temperatures({0.0, 1.0})
        void picksTheRightOption(Row row, Answer answer) {
            assertEquals(row.correct(), answer.letter().orElse('?'));
        }
    }
}
