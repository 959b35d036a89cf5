package dev.evalunit.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectIteration;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectUniqueId;
import static org.junit.platform.testkit.engine.EventConditions.abortedWithReason;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import dev.evalunit.Answer;
import dev.evalunit.ChatRequest;
import dev.evalunit.LlmClient;
import dev.evalunit.Metric;
import dev.evalunit.Prompt;
import dev.evalunit.QuestionRow;
import dev.evalunit.Questions;
import dev.evalunit.QuotaExhaustedException;
import dev.evalunit.Samples;
import dev.evalunit.Scorecard;
import dev.evalunit.Temperature;
import dev.evalunit.Temperatures;
import dev.evalunit.config.EvalConfig;
import dev.evalunit.internal.report.BuildOutcome;
import dev.evalunit.internal.run.PlannedInvocation;
import dev.evalunit.internal.report.BenchmarkVerdict;
import dev.evalunit.simulator.Latency;
import dev.evalunit.simulator.OpenAiSimulator;
import dev.evalunit.simulator.SimulatorOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.opentest4j.TestAbortedException;

/** The extension as JUnit runs it: small fixture suites executed with EngineTestKit against the simulator. */
class BenchmarkExtensionIntegrationTests {

    @AutoClose
    private final OpenAiSimulator simulator = OpenAiSimulator.start();

    static final List<String> seen = new CopyOnWriteArrayList<>();

    @BeforeEach
    @AfterEach
    void clear() {
        seen.clear();
    }

    @TempDir
    Path state;

    private EngineExecutionResults run(DiscoverySelector... selectors) {
        return run(Map.of(), selectors);
    }

    private EngineExecutionResults run(Map<String, String> more, DiscoverySelector... selectors) {
        return EngineTestKit.engine("junit-jupiter")
                .configurationParameters(settings(more))
                .selectors(selectors)
                .execute();
    }

    private Map<String, String> settings(Map<String, String> more) {
        Map<String, String> p = new java.util.HashMap<>(Map.of(
                "evalunit.checkpoint.dir", state.toString(),
                "evalunit.progress", "off"));
        p.putAll(more);
        p.putAll(Map.of(
                "evalunit.openai.api-key", "sk-" + "test-extension0123456789abcdef",
                "evalunit.openai.base-url", simulator.baseUrl(),
                "evalunit.rate-limit.rpm", "600000",
                "evalunit.rate-limit.tpm", "100000000",
                "evalunit.retry.max-attempts", "1"));
        return p;
    }

    /**
     * Runs {@code selectors} as an IDE does, through a launcher session: its listeners learn which single
     * invocations were selected (EngineTestKit runs the engine without a session).
     */
    private org.junit.platform.launcher.listeners.TestExecutionSummary launch(DiscoverySelector... selectors) {
        org.junit.platform.launcher.listeners.SummaryGeneratingListener summary =
                new org.junit.platform.launcher.listeners.SummaryGeneratingListener();
        try (org.junit.platform.launcher.LauncherSession session =
                     org.junit.platform.launcher.core.LauncherFactory.openSession()) {
            session.getLauncher().execute(org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request()
                    .selectors(selectors).configurationParameters(settings(Map.of())).build(), summary);
        }
        return summary.getSummary();
    }

    // --- fixtures ------------------------------------------------------------------------------------

    record Row(String id, String text) implements QuestionRow {
    }

    @BenchmarkSuite(name = "Fixture")
    static class DatasetTestCase {
        static Stream<Row> rows() {
            return Stream.of(new Row("q-a", "What is A?\nA. a\nB. b"), new Row("q-b", "What is B?\nA. a\nB. b"));
        }

        @Prompt
        static ChatRequest ask(Row row) {
            return ChatRequest.user(row.text()).maxTokens(5);
        }

        @BenchmarkTest
        @Questions("rows")
        @Temperatures({0.0, 1.0})
        @Samples(2)
        void answers(Row row, Temperature t, int sample, Answer answer) {
            seen.add(row.id() + " " + t + " s=" + sample + " " + answer.request().temperature());
            assertThat(answer.letter()).isPresent();
        }
    }

    @BenchmarkSuite(name = "Smoke", temperatures = {0.0, 1.0})
    static class HandWrittenTestCase {
        @BenchmarkTest
        void capital(Temperature t, LlmClient llm) {
            seen.add("capital " + t);
            assertThat(llm.generate(ChatRequest.user("Capital of Australia?").temperature(t.value())).text()).isNotBlank();
        }
    }

    @BenchmarkSuite(name = "Broken")
    static class NoTemperaturesTestCase {
        @BenchmarkTest
        void noTemperatures(Temperature t) {
        }
    }

    @BenchmarkSuite(name = "Broken")
    static class MissingFactoryTestCase {
        @BenchmarkTest
        @Questions("nowhere")
        @Temperatures(0.0)
        void missing(Row row) {
        }
    }

    @BenchmarkSuite(name = "Broken")
    static class BadPromptTestCase {
        static Stream<Row> rows() {
            return Stream.of(new Row("q-a", "A?"));
        }

        @Prompt
        ChatRequest ask(Row row, int extra) {
            return ChatRequest.user(row.text());
        }

        @BenchmarkTest
        @Questions("rows")
        @Temperatures(0.0)
        void answers(Row row, Answer answer) {
        }
    }

    @BenchmarkSuite(name = "Broken")
    static class AnswerWithoutPromptTestCase {
        @BenchmarkTest
        @Temperatures(0.0)
        void answers(Answer answer) {
        }
    }

    static final Set<String> threads = ConcurrentHashMap.newKeySet();
    /** What the dataset test's bodies asked their judge: one request per distinct question, sent once. */
    static final Set<String> judgeAsks = ConcurrentHashMap.newKeySet();

    @BenchmarkSuite(name = "Configured")
    static class ConfiguredTestCase {
        static Stream<Row> rows(EvalConfig config) {
            return Stream.of(new Row("q-a", "judged by " + config.values().get("evalunit.judge.model").orElse("?")));
        }

        @BenchmarkTest
        @Questions("rows")
        @Temperatures(0.0)
        void seesTheRunsConfiguration(Row row, EvalConfig config) {
            seen.add(row.text() + " / " + config.values().get("evalunit.judge.model").orElse("?"));
        }
    }

    @BenchmarkSuite(name = "Strict", temperatures = 0.0, minPassRate = 0.9)
    static class StrictTestCase {
        @BenchmarkTest
        void right(Temperature t) {
        }

        @BenchmarkTest
        void wrong(Temperature t) {
            assertThat(1).isEqualTo(2);
        }
    }

    record Categorized(String id, String text, String category) implements QuestionRow {
    }

    @BenchmarkSuite(name = "Scored")
    static class ScoredTestCase {
        static Stream<Categorized> rows() {
            return Stream.of(new Categorized("q-a", "What is A?\nA. a\nB. b", "Letters"),
                    new Categorized("q-b", "What is B?\nA. a\nB. b", "Letters"),
                    new Categorized("q-c", "Pick one\nA. x\nB. y", "Other"));
        }

        @Prompt
        static ChatRequest ask(Categorized row) {
            return ChatRequest.user(row.text()).maxTokens(5);
        }

        @BenchmarkTest
        @Questions("rows")
        @Temperatures({0.0, 1.0})
        @Samples(2)
        void answers(Categorized row, Answer answer, Scorecard card) {
            card.label(answer.letter().map(String::valueOf).orElse("?"));
            card.score("picked", answer.letter().isPresent());
            assertThat(answer.letter()).isPresent();
        }
    }

    @BenchmarkSuite(name = "Smoke", temperatures = {0.0, 0.5, 1.0})
    static class ParallelTestCase {
        static Stream<Row> rows() {
            return Stream.of(new Row("q-a", "What is A?\nA. a\nB. b"), new Row("q-b", "What is B?\nA. a\nB. b"));
        }

        @Prompt
        static ChatRequest ask(Row row) {
            return ChatRequest.user(row.text()).maxTokens(5);
        }

        private static void ask(String what, Temperature t, LlmClient llm) {
            threads.add(Thread.currentThread().getName());
            String text = llm.generate(ChatRequest.user(what).temperature(t.value())).text();
            seen.add(what + " " + t);
            assertThat(text).isNotBlank();
        }

        @BenchmarkTest
        void capital(Temperature t, LlmClient llm) {
            ask("Capital of Australia?", t, llm);
        }

        @BenchmarkTest
        void river(Temperature t, LlmClient llm) {
            ask("Longest river?", t, llm);
        }

        @BenchmarkTest
        void mountain(Temperature t, LlmClient llm) {
            ask("Highest mountain?", t, llm);
        }

        @BenchmarkTest
        @Questions("rows")
        void dataset(Row row, Temperature t, Answer answer, LlmClient judge) {
            threads.add(Thread.currentThread().getName());
            seen.add(row.id() + " " + t);
            judgeAsks.add("Is " + answer.text() + " right?");
            assertThat(judge.generate(ChatRequest.user("Is " + answer.text() + " right?")).text()).isNotBlank();
        }
    }

    // --- tests ---------------------------------------------------------------------------------------

    @Test
    void invocationsAreTheCrossProductInAFixedOrderWithStableNames() {
        EngineExecutionResults results = run(selectClass(DatasetTestCase.class));

        results.testEvents().assertStatistics(stats -> stats.started(8).succeeded(8));
        assertThat(results.testEvents().started().stream().map(e -> e.getTestDescriptor().getDisplayName()))
                .containsExactly(
                        "[T=0.0 s=1] q-a What is A? A. a B. b", "[T=0.0 s=2] q-a What is A? A. a B. b",
                        "[T=1.0 s=1] q-a What is A? A. a B. b", "[T=1.0 s=2] q-a What is A? A. a B. b",
                        "[T=0.0 s=1] q-b What is B? A. a B. b", "[T=0.0 s=2] q-b What is B? A. a B. b",
                        "[T=1.0 s=1] q-b What is B? A. a B. b", "[T=1.0 s=2] q-b What is B? A. a B. b");
        assertThat(seen).contains("q-a T=0.0 s=1 0.0", "q-b T=1.0 s=2 1.0");
        // the two samples of a question at a temperature share one request of two choices
        assertThat(simulator.requests().chatRequests()).isEqualTo(4);
    }

    @Test
    void aSecondRunReplaysEveryAnswerFromTheCheckpointWithoutARequest() {
        run(selectClass(DatasetTestCase.class)).testEvents().assertStatistics(stats -> stats.succeeded(8));
        simulator.reset();
        seen.clear();

        EngineExecutionResults again = run(selectClass(DatasetTestCase.class));

        again.testEvents().assertStatistics(stats -> stats.started(8).succeeded(8));
        assertThat(seen).hasSize(8);
        assertThat(simulator.requests().chatRequests()).isZero();
    }

    @Test
    void freshStartsOverWithoutDeletingTheHistory() throws Exception {
        run(selectClass(DatasetTestCase.class));
        simulator.reset();

        run(Map.of("evalunit.fresh", "true"), selectClass(DatasetTestCase.class));

        assertThat(simulator.requests().chatRequests()).isEqualTo(4); // one per question and temperature
        try (Stream<Path> files = Files.walk(state)) {
            assertThat(files.filter(f -> f.toString().endsWith(".jsonl"))).hasSize(2);
        }
    }

    @Test
    void evalunitQuestionNarrowsTheRunToThoseQuestions() {
        EngineExecutionResults results = run(Map.of("evalunit.question", "q-b"), selectClass(DatasetTestCase.class));

        results.testEvents().assertStatistics(stats -> stats.started(4).succeeded(4));
        assertThat(seen).allMatch(line -> line.startsWith("q-b "));
        assertThat(simulator.requests().chatRequests()).isEqualTo(2); // two samples share each
    }

    @Test
    void aHandWrittenTestRunsOncePerTemperatureWithTheSharedClient() {
        EngineExecutionResults results = run(selectClass(HandWrittenTestCase.class));

        results.testEvents().assertStatistics(stats -> stats.started(2).succeeded(2));
        assertThat(seen).containsExactly("capital T=0.0", "capital T=1.0");
        assertThat(simulator.requests().chatRequests()).isEqualTo(2);
    }

    @Test
    void handWrittenAndDatasetTestsWorkUnderJUnitsParallelExecution() {
        simulator.reconfigure(SimulatorOptions.builder().latency(Latency.fixed(Duration.ofMillis(50))).build());
        threads.clear();
        judgeAsks.clear();

        EngineExecutionResults results = run(Map.of(
                "junit.jupiter.execution.parallel.enabled", "true",
                "junit.jupiter.execution.parallel.mode.default", "concurrent",
                "junit.jupiter.execution.parallel.config.strategy", "fixed",
                "junit.jupiter.execution.parallel.config.fixed.parallelism", "4"), selectClass(ParallelTestCase.class));

        results.testEvents().assertStatistics(stats -> stats.started(15).succeeded(15));
        assertThat(seen).hasSize(15).doesNotHaveDuplicates()
                .contains("Capital of Australia? T=0.0", "Highest mountain? T=1.0", "q-b T=0.5");
        assertThat(threads).as("threads that ran bodies").hasSizeGreaterThan(1);
        // 9 hand-written questions, 6 prefetched dataset answers and the judge calls, each distinct one sent once
        // (a judge asked the same of two answers alike is asked once)
        assertThat(judgeAsks).hasSizeBetween(1, 6);
        assertThat(simulator.requests().chatRequests()).isEqualTo(15 + judgeAsks.size());
    }

    @Test
    void callsOfHandWrittenTestsAndJudgesAreCheckpointedSoAResumedRunDoesNotPayForThemAgain() {
        judgeAsks.clear();
        run(selectClass(ParallelTestCase.class)).testEvents().assertStatistics(stats -> stats.succeeded(15));
        assertThat(simulator.requests().chatRequests()).isEqualTo(15 + judgeAsks.size());
        simulator.reset();
        seen.clear();

        EngineExecutionResults again = run(selectClass(ParallelTestCase.class));

        again.testEvents().assertStatistics(stats -> stats.started(15).succeeded(15));
        assertThat(seen).hasSize(15);
        assertThat(simulator.requests().chatRequests()).isZero();
    }

    @Test
    void labelsScoresAndCategoriesReachTheAnalysisFile() throws Exception {
        Path results = state.resolve("results");

        run(Map.of("evalunit.results.dir", results.toString()), selectClass(ScoredTestCase.class))
                .testEvents().assertStatistics(stats -> stats.succeeded(12));

        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(dev.evalunit.testing.Runs.last(results).resolve("analysis.json").toFile());
        var test = json.at("/suites/0/tests/0");
        assertThat(json.at("/suites/0/suite").asText()).isEqualTo("Scored");
        assertThat(test.get("test").asText()).isEqualTo("ScoredTestCase.answers");
        assertThat(test.at("/temperatures/0/answered").asLong()).isEqualTo(6);
        assertThat(test.at("/temperatures/0/accuracy").asDouble()).isEqualTo(1.0);
        assertThat(test.at("/temperatures/1/scores/picked/mean").asDouble()).isEqualTo(1.0);
        assertThat(test.at("/temperatures/0/categories/Letters/answered").asLong()).isEqualTo(4);
        assertThat(test.at("/temperatures/0/categories/Other/answered").asLong()).isEqualTo(2);
        assertThat(test.at("/temperatures/0/questionsWithSamples").asLong()).isEqualTo(3);
        assertThat(test.at("/flips/questions").asLong()).isEqualTo(3);
        // the thresholds in force, so a later step can gate on the file alone: the default error rate, no pass rate
        assertThat(json.at("/thresholds/Scored/maxErrorRate").asDouble()).isEqualTo(0.01);
        assertThat(json.at("/thresholds/Scored/minPassRate").asDouble()).isZero();
    }

    /** SimpleQA's way: a grade per answer, scored as correct and attempted, and F1 computed from their means. */
    @BenchmarkSuite(name = "Graded", temperatures = 0.0)
    static class GradedTestCase {
        static Stream<Categorized> rows() {
            return Stream.of(new Categorized("q-1", "One", "Even"), new Categorized("q-2", "Two", "Even"),
                    new Categorized("q-3", "Three", "Odd"), new Categorized("q-4", "Four", "Odd"));
        }

        @Metric("f1")
        static double f1(Map<String, Double> means) {
            double correct = means.get("correct");
            double givenAttempted = correct / means.get("attempted");
            return 2 * correct * givenAttempted / (correct + givenAttempted);
        }

        /** 1 wherever some question was not attempted; 0/0 in a category where all were: a metric not defined there. */
        @Metric("unattemptedRatio")
        static double unattemptedRatio(Map<String, Double> means) {
            return (1 - means.get("attempted")) / (1 - means.get("attempted"));
        }

        /** Needs a score this test never records. */
        @Metric("calibration")
        static double calibration(Map<String, Double> means) {
            return means.get("confidence") * 2;
        }

        @BenchmarkTest
        @Questions("rows")
        void graded(Categorized row, Scorecard card) {
            // q-1 correct, q-2 not attempted, q-3 and q-4 attempted, q-3 correct
            card.score("correct", row.id().equals("q-1") || row.id().equals("q-3"));
            card.score("attempted", !row.id().equals("q-2"));
        }
    }

    @BenchmarkSuite(name = "BadMetric", temperatures = 0.0)
    static class BadMetricTestCase {
        @Metric
        static int f1(Map<String, Double> means) {
            return 0;
        }

        @BenchmarkTest
        void runs(Temperature t) {
        }
    }

    @Test
    void scoresAreBrokenDownByCategoryAndASuitesMetricIsComputedFromTheirMeans() {
        Path results = state.resolve("results");

        run(Map.of("evalunit.results.dir", results.toString()), selectClass(GradedTestCase.class))
                .testEvents().assertStatistics(stats -> stats.succeeded(4));

        var at0 = readJson(dev.evalunit.testing.Runs.last(results).resolve("analysis.json")).at("/suites/0/tests/0/temperatures/0");
        // correct 2/4, attempted 3/4: correct given attempted 2/3, F1 = 2 * 0.5 * 0.667 / 1.167 = 0.571
        assertThat(at0.at("/metrics/f1").asDouble()).isCloseTo(4.0 / 7, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(at0.at("/categories/Even/scores/correct").asDouble()).isEqualTo(0.5);
        assertThat(at0.at("/categories/Even/scores/attempted").asDouble()).isEqualTo(0.5);
        assertThat(at0.at("/categories/Odd/scores/attempted").asDouble()).isEqualTo(1.0);
        // Even: correct 0.5, given attempted 1.0, F1 2/3; Odd: correct 0.5, given attempted 0.5, F1 0.5
        assertThat(at0.at("/categories/Even/metrics/f1").asDouble()).isCloseTo(2.0 / 3, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(at0.at("/categories/Odd/metrics/f1").asDouble()).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-9));
        // a metric without a value is not dropped: it says why
        assertThat(at0.at("/metrics/unattemptedRatio").asDouble()).isEqualTo(1.0);
        assertThat(at0.at("/categories/Odd/metrics").has("unattemptedRatio")).isFalse();
        assertThat(at0.at("/categories/Odd/metricsNotDefined/unattemptedRatio").asText())
                .isEqualTo("not a number (NaN: such as 0/0, recall with no positives)");
        assertThat(at0.at("/metricsNotDefined/calibration").asText()).startsWith("threw NullPointerException")
                .endsWith("the means are [accuracy, attempted, correct])");
    }

    @Test
    void aMetricWithTheWrongSignatureFailsItsTestNamingTheFix() {
        assertContainerFailure(BadMetricTestCase.class,
                "@Metric BadMetricTestCase.f1 must be declared static double f1(Map<String, Double> means)");
    }

    @Test
    void questionFactoriesAndTestsMayTakeTheRunsConfiguration() {
        run(Map.of("evalunit.judge.model", "gpt-judge"), selectClass(ConfiguredTestCase.class))
                .testEvents().assertStatistics(stats -> stats.succeeded(1));

        assertThat(seen).containsExactly("judged by gpt-judge / gpt-judge");
    }

    @Test
    void aLimitRunsTheFirstQuestionsOnlyAndSendsNothingForTheOthers() {
        EngineExecutionResults results = run(Map.of("evalunit.limit", "1"), selectClass(DatasetTestCase.class));

        results.testEvents().assertStatistics(stats -> stats.started(4).succeeded(4));
        assertThat(seen).allMatch(line -> line.startsWith("q-a "));
        assertThat(simulator.requests().chatRequests()).as("one request of 2 choices per temperature").isEqualTo(2);
    }

    @Test
    void evalunitSamplesOverridesTheSampleCountOfEveryTest() {
        EngineExecutionResults results = run(Map.of("evalunit.samples", "3"), selectClass(DatasetTestCase.class));

        results.testEvents().assertStatistics(stats -> stats.started(12).succeeded(12));
        assertThat(seen).contains("q-b T=1.0 s=3 1.0");
    }

    @Test
    void aSuitesOwnThresholdDecidesTheVerdictThatTheBuildGateReads() {
        Path results = state.resolve("results");

        EngineExecutionResults run = run(Map.of("evalunit.results.dir", results.toString()), selectClass(StrictTestCase.class));

        run.testEvents().assertStatistics(stats -> stats.succeeded(1).failed(1));
        var verdict = BuildOutcome.Verdict.read(results.resolve("verdict.json"));
        assertThat(verdict.passed()).isFalse();
        assertThat(verdict.reason()).startsWith("Strict pass rate 50.0% at T=0.0 is below the suite's threshold 90.0%");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> BenchmarkVerdict.main(
                        new String[] {results.resolve("verdict.json").toString()}))
                .hasMessageContaining("the benchmark run failed: Strict pass rate 50.0%");
        assertThat(readJson(dev.evalunit.testing.Runs.last(results).resolve("analysis.json")).at("/thresholds/Strict/minPassRate").asDouble())
                .as("the suite's threshold, written for the reports module's gate").isEqualTo(0.9);
    }

    @Test
    void aBadSettingFailsTheRunOnceWithItsReasonAndEachTestPointsThereAndNothingIsSent() {
        EngineExecutionResults run = run(Map.of("evalunit.max-error-rate", "5"), selectClass(DatasetTestCase.class));

        run.containerEvents().assertThatEvents()
                .haveExactly(1, event(finishedWithFailure(message(m -> m.equals(
                        "the benchmark run could not start (the run's failure, at the end, says why)")))))
                .haveExactly(1, event(finishedWithFailure(message(m -> m.startsWith("evalunit: the run failed: ")
                        && m.contains("evalunit.max-error-rate must be a number from 0 to 1")))));
        assertThat(simulator.requests().chatRequests()).isZero();
    }

    @Test
    void aMisspeltSettingFailsTheRunNamingTheKeyMeantBeforeAnythingIsSent() {
        // as -Devalunit.questions=q-a on Maven's command line
        EngineExecutionResults run;
        System.setProperty("evalunit.questions", "q-a");
        try {
            run = run(selectClass(DatasetTestCase.class));
        } finally {
            System.clearProperty("evalunit.questions");
        }

        run.containerEvents().assertThatEvents().haveExactly(1, event(finishedWithFailure(message(m -> m.startsWith(
                "evalunit: the run failed: ") && m.contains("unknown setting evalunit.questions; did you mean "
                + "evalunit.question?")))));
        assertThat(simulator.requests().chatRequests()).isZero();
    }

    @Test
    void aRunThatSelectedNoInvocationFailsSayingNothingRan() {
        EngineExecutionResults run = run(Map.of("evalunit.question", "no-such-question"), selectClass(DatasetTestCase.class));

        run.testEvents().assertStatistics(stats -> stats.started(0));
        run.containerEvents().assertThatEvents().haveExactly(1, event(finishedWithFailure(message(m -> m.startsWith(
                "evalunit: the run failed: no benchmark invocation ran")))));
    }

    @Test
    void aSuiteRunRecordsAWrongAnswerAsTheRunsFindingAndTheThresholdsFailTheRunOnce() {
        Path results = state.resolve("results");

        EngineExecutionResults run = run(Map.of("evalunit.results.dir", results.toString(),
                "evalunit.wrong-answers", "record"), selectClass(StrictTestCase.class));

        // JUnit sees both measured; the run counts one right and one wrong, and its thresholds fail it
        run.testEvents().assertStatistics(stats -> stats.succeeded(2).failed(0));
        assertThat(readJson(dev.evalunit.testing.Runs.last(results).resolve("analysis.json")).at("/suites/0/tests").findValuesAsText("test"))
                .containsExactlyInAnyOrder("StrictTestCase.right", "StrictTestCase.wrong");
        assertThat(BuildOutcome.Verdict.read(results.resolve("verdict.json")).reason())
                .startsWith("Strict pass rate 50.0% at T=0.0 is below the suite's threshold 90.0%");
        run.containerEvents().assertThatEvents().haveExactly(1, event(finishedWithFailure(message(m -> m.startsWith(
                "evalunit: the run failed: Strict pass rate 50.0% at T=0.0")))));
    }

    @Test
    void aSuiteRunSkipsAnInvocationWhoseRequestFailedAndCountsItAsAnError() {
        simulator.reconfigure(SimulatorOptions.builder().insufficientQuota(true).build());
        Path results = state.resolve("results");

        EngineExecutionResults run = run(Map.of("evalunit.results.dir", results.toString(),
                "evalunit.wrong-answers", "record"), selectClass(DatasetTestCase.class));

        run.testEvents().assertThatEvents()
                .haveExactly(2, event(test(), abortedWithReason(instanceOf(TestAbortedException.class),
                        message(m -> m.startsWith("no answer, counted as an error of the run: ")))))
                .noneMatch(e -> e.getPayload(org.junit.platform.engine.TestExecutionResult.class)
                        .map(r -> r.getStatus() == org.junit.platform.engine.TestExecutionResult.Status.FAILED)
                        .orElse(false));
        assertThat(BuildOutcome.Verdict.read(results.resolve("verdict.json")).reason())
                .contains("Fixture error rate 100.0% is above evalunit.max-error-rate 1.0% (2 of 2 invocations failed")
                // what failed, not only how many
                .contains("2 invocations failed after retries: 2 × quota exhausted (HTTP 429) from gpt-4o-mini");
        run.containerEvents().assertThatEvents().haveExactly(1, event(finishedWithFailure(message(m -> m.contains(
                "2 invocations failed after retries: 2 × quota exhausted (HTTP 429)")))));
    }

    @Test
    void aWrongAnswersModeThatIsNeitherRecordNorFailNamesTheSetting() {
        run(Map.of("evalunit.wrong-answers", "ignore"), selectClass(StrictTestCase.class)).containerEvents()
                .assertThatEvents().haveExactly(1, event(finishedWithFailure(message(m -> m.startsWith(
                        "evalunit: the run failed: ") && m.contains("evalunit.wrong-answers")))));
    }

    @BenchmarkSuite(name = "Ungraded", temperatures = {0.0, 1.0})
    static class PartlyUngradedTestCase {
        @BenchmarkTest
        void graded(Temperature t) {
        }

        @BenchmarkTest
        void ungraded(Temperature t) {
            org.junit.jupiter.api.Assumptions.abort("the judge's reply has no verdict");
        }
    }

    @Test
    void aTestWhoseInvocationsWereAllAbortedFailsTheRunThoughAnotherTestPassed() {
        Path results = state.resolve("results");

        run(Map.of("evalunit.results.dir", results.toString()), selectClass(PartlyUngradedTestCase.class))
                .testEvents().assertStatistics(stats -> stats.succeeded(2).aborted(2));

        var verdict = BuildOutcome.Verdict.read(results.resolve("verdict.json"));
        assertThat(verdict.passed()).isFalse();
        assertThat(verdict.reason()).contains("every invocation of Ungraded · PartlyUngradedTestCase.ungraded was aborted");
    }

    private static com.fasterxml.jackson.databind.JsonNode readJson(Path file) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(file.toFile());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void oneSelectedInvocationSendsExactlyOneRequest() {
        var results = launch(selectUniqueId(
                "[engine:junit-jupiter]/[class:" + DatasetTestCase.class.getName()
                        + "]/[test-template:answers(dev.evalunit.junit.BenchmarkExtensionIntegrationTests$Row, "
                        + "dev.evalunit.Temperature, int, dev.evalunit.Answer)]/[test-template-invocation:#6]"));

        assertThat(results.getTestsStartedCount()).isEqualTo(1);
        assertThat(results.getTestsSucceededCount()).isEqualTo(1);
        assertThat(seen).containsExactly("q-b T=0.0 s=2 0.0");
        assertThat(simulator.requests().chatRequests()).isEqualTo(1);
    }

    @BenchmarkSuite(name = "Eligible", temperatures = {0.0, 1.0})
    static class EligibleTestCase {
        static Stream<Row> rows() {
            return DatasetTestCase.rows();
        }

        @Prompt
        static ChatRequest ask(Row row) {
            return ChatRequest.user(row.text()).maxTokens(5);
        }

        @BenchmarkTest
        @Questions("rows")
        @dev.evalunit.BatchEligible
        void answers(Row row, Answer answer) {
            seen.add(row.id() + " " + answer.request().temperature());
        }
    }

    @Test
    void aLauncherThatDiscoversInOneSessionAndExecutesInAnotherRunsTheSelectionUrgentlyNotInABatch() {
        // LauncherFactory.create() opens a session per request: discovery's session saw the selectors, the
        // execution's did not; without them the run must not batch the whole test for one invocation
        org.junit.platform.launcher.Launcher launcher = org.junit.platform.launcher.core.LauncherFactory.create();
        org.junit.platform.launcher.TestPlan plan = launcher.discover(
                org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request()
                        .selectors(selectUniqueId("[engine:junit-jupiter]/[class:" + EligibleTestCase.class.getName()
                                + "]/[test-template:answers(dev.evalunit.junit.BenchmarkExtensionIntegrationTests$Row, "
                                + "dev.evalunit.Answer)]/[test-template-invocation:#3]"))
                        .configurationParameters(settings(Map.of("evalunit.batch.threshold", "1"))).build());
        org.junit.platform.launcher.listeners.SummaryGeneratingListener summary =
                new org.junit.platform.launcher.listeners.SummaryGeneratingListener();

        launcher.execute(plan, summary);

        assertThat(summary.getSummary().getTestsSucceededCount()).isEqualTo(1);
        assertThat(seen).containsExactly("q-b 0.0");
        assertThat(simulator.requests().batchesCreated()).isZero();
    }

    @Test
    void iterationSelectorsAreHonouredToo() {
        var results = launch(selectIteration(selectMethod(DatasetTestCase.class, "answers",
                Row.class.getName() + ", dev.evalunit.Temperature, int, dev.evalunit.Answer"), 0, 7));

        assertThat(results.getTestsStartedCount()).isEqualTo(2);
        assertThat(results.getTestsSucceededCount()).isEqualTo(2);
        assertThat(simulator.requests().chatRequests()).isEqualTo(2);
    }

    @Test
    void anExhaustedQuotaMakesTheInvocationThatMetItAnErrorAndAbortsTheRestUnsent() {
        simulator.reconfigure(SimulatorOptions.builder().insufficientQuota(true).build());

        EngineExecutionResults results = run(selectClass(DatasetTestCase.class));

        results.testEvents().assertThatEvents()
                // the first request, shared by the first question's two samples at T=0.0, met it for both
                .haveExactly(2, event(test(), finishedWithFailure(instanceOf(QuotaExhaustedException.class))))
                .haveExactly(6, event(test(), abortedWithReason(instanceOf(TestAbortedException.class),
                        message(m -> m.startsWith("not sent from gpt-4o-mini: requests to gpt-4o-mini were stopped "
                                + "after quota exhausted (HTTP 429)")))));
        assertThat(simulator.requests().chatRequests()).isEqualTo(1);
    }

    @Test
    void configurationMistakesNameTheAnnotationTheMethodAndTheFix() {
        assertContainerFailure(NoTemperaturesTestCase.class,
                "@Temperatures on [NoTemperaturesTestCase.noTemperatures] must list at least one value, e.g. @Temperatures({0.0})");
        assertContainerFailure(MissingFactoryTestCase.class,
                "@Questions(\"nowhere\") on [MissingFactoryTestCase.missing] names no method nowhere() in "
                        + "MissingFactoryTestCase; add static Stream<Row> nowhere()");
        assertContainerFailure(BadPromptTestCase.class, "@Prompt BadPromptTestCase.ask must be declared static ChatRequest ask(Row row)");
        assertContainerFailure(AnswerWithoutPromptTestCase.class, "[AnswerWithoutPromptTestCase.answers] takes an Answer without @Questions");
        assertThat(simulator.requests().chatRequests()).isZero();
    }

    /** The test fails naming the mistake, and so does the run at its end: the build is not green. */
    private void assertContainerFailure(Class<?> fixture, String expected) {
        run(selectClass(fixture)).containerEvents().assertThatEvents()
                .haveExactly(1, event(finishedWithFailure(message(m -> m.contains(expected)
                        && m.contains("could not be planned") && !m.startsWith("evalunit: the run failed: ")))))
                .haveExactly(1, event(finishedWithFailure(message(m -> m.contains(expected) && m.startsWith(
                        "evalunit: the run failed: ")))));
    }

    @Test
    void displayNamesAreShortenedToOneLine() {
        PlannedInvocation invocation = PlannedInvocation.of(1, "TruthfulQA", "t", null, "tqa-0042",
                "What happens if you eat watermelon seeds?\nThe seeds pass through your digestive system.", 0.5, 2, null);

        assertThat(invocation.displayName())
                .isEqualTo("[T=0.5 s=2] tqa-0042 What happens if you eat watermelon seeds? The seeds pass...");
    }
}
