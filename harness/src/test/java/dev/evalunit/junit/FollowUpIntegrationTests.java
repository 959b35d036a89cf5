package dev.evalunit.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.evalunit.Answer;
import dev.evalunit.BatchEligible;
import dev.evalunit.ChatRequest;
import dev.evalunit.FollowUp;
import dev.evalunit.Prompt;
import dev.evalunit.QuestionRow;
import dev.evalunit.Questions;
import dev.evalunit.Scorecard;
import dev.evalunit.simulator.BatchOptions;
import dev.evalunit.simulator.ManualClock;
import dev.evalunit.simulator.OpenAiSimulator;
import dev.evalunit.simulator.SimulatorOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/** Declared follow-ups (a judge of each answer): sent by the run, in real time or in a second batch, and resumed. */
class FollowUpIntegrationTests {

    static final int ROWS = 30;
    static final String JUDGE_MODEL = "gpt-4o";
    static OpenAiSimulator simulator;
    /** Each row's distinct answers, as the judged test saw them: one judge request each. */
    static final java.util.Set<String> ANSWERS = java.util.concurrent.ConcurrentHashMap.newKeySet();

    @TempDir
    Path state;

    @BeforeEach
    void start() {
        simulator = OpenAiSimulator.start(SimulatorOptions.builder().batch(BatchOptions.instant()).build());
        ANSWERS.clear();
    }

    /**
     * The judge requests the run needs: one per row and distinct answer. A question answered alike at both
     * temperatures asks the same of the judge, which is asked once.
     */
    private static int judges() {
        assertThat(ANSWERS).hasSizeBetween(ROWS, 2 * ROWS);
        return ANSWERS.size();
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    record Row(String id, String text) implements QuestionRow {
    }

    @BenchmarkSuite(name = "Judged", temperatures = {0.0, 1.0})
    static class JudgedTestCase {
        static Stream<Row> rows() {
            return IntStream.rangeClosed(1, ROWS).mapToObj(i -> new Row("q-" + i, "Question " + i + "?"));
        }

        @Prompt
        static ChatRequest ask(Row row) {
            return ChatRequest.user(row.text()).maxTokens(10);
        }

        @FollowUp
        static ChatRequest judge(Row row, Answer answer) {
            return ChatRequest.user("Grade the answer to " + row.text() + ": " + answer.text()).temperature(0.0)
                    .maxTokens(5).model(JUDGE_MODEL);
        }

        @BenchmarkTest
        @Questions("rows")
        @BatchEligible
        void isJudged(Row row, Answer answer, @FollowUp Answer verdict, Scorecard card) {
            // the judge saw this invocation's answer, at its own temperature and model
            assertThat(verdict.request().messages().get(0).content()).endsWith(": " + answer.text());
            assertThat(verdict.request().temperature()).isEqualTo(0.0);
            assertThat(verdict.request().model()).isEqualTo(JUDGE_MODEL);
            assertThat(verdict.text()).isNotBlank();
            ANSWERS.add(row.id() + '\u0000' + answer.text());
            card.score("judged", true);
        }
    }

    /** A test asking the same prompts as {@link JudgedTestCase}, judged by a judge of its own. */
    @BenchmarkSuite(name = "Judged", temperatures = {0.0, 1.0})
    static class OtherJudgeTestCase {
        static Stream<Row> rows() {
            return JudgedTestCase.rows();
        }

        @Prompt
        static ChatRequest ask(Row row) {
            return JudgedTestCase.ask(row);
        }

        @FollowUp
        static ChatRequest strictJudge(Row row, Answer answer) {
            return ChatRequest.user("Strictly grade the answer to " + row.text() + ": " + answer.text())
                    .temperature(0.0).maxTokens(5).model(JUDGE_MODEL);
        }

        @BenchmarkTest
        @Questions("rows")
        @BatchEligible
        void isJudgedStrictly(Row row, Answer answer, @FollowUp Answer verdict) {
            assertThat(verdict.text()).isNotBlank();
            ANSWERS.add(row.id() + '\u0000' + answer.text());
        }
    }

    /** A judge whose every reply is no verdict: every invocation is aborted. */
    @BenchmarkSuite(name = "Unjudged", temperatures = 0.0)
    static class UnjudgedTestCase {
        static Stream<Row> rows() {
            return IntStream.rangeClosed(1, 3).mapToObj(i -> new Row("q-" + i, "Question " + i + "?"));
        }

        @Prompt
        static ChatRequest ask(Row row) {
            return ChatRequest.user(row.text()).maxTokens(10);
        }

        @FollowUp
        static ChatRequest judge(Row row, Answer answer) {
            return ChatRequest.user("Grade the answer to " + row.text() + ": " + answer.text()).temperature(0.0);
        }

        @BenchmarkTest
        @Questions("rows")
        void isJudged(Row row, Answer answer, @FollowUp Answer verdict) {
            org.junit.jupiter.api.Assumptions.abort("the judge's reply has no verdict");
        }
    }

    @BenchmarkSuite(name = "Misnamed", temperatures = 0.0)
    static class MisnamedTestCase {
        static Stream<Row> rows() {
            return Stream.of(new Row("q-1", "Question?"));
        }

        @Prompt
        static ChatRequest ask(Row row) {
            return ChatRequest.user(row.text());
        }

        @FollowUp
        static ChatRequest judge(Row row, Answer answer) {
            return ChatRequest.user(answer.text());
        }

        @BenchmarkTest
        @Questions("rows")
        void usesAnUndeclaredFollowUp(Row row, @FollowUp("grader") Answer verdict) {
        }
    }

    /** The same test judged by one of Anthropic's models: its follow-ups go to Message Batches. */
    @BenchmarkSuite(name = "ClaudeJudged", temperatures = {0.0, 1.0})
    static class ClaudeJudgedTestCase {
        static final String CLAUDE = "anthropic:claude-haiku-4-5";

        static Stream<Row> rows() {
            return JudgedTestCase.rows();
        }

        @Prompt
        static ChatRequest ask(Row row) {
            return JudgedTestCase.ask(row);
        }

        @FollowUp
        static ChatRequest judge(Row row, Answer answer) {
            return ChatRequest.user("Grade the answer to " + row.text() + ": " + answer.text()).temperature(0.0)
                    .maxTokens(5).model(CLAUDE);
        }

        @BenchmarkTest
        @Questions("rows")
        @BatchEligible
        void isJudged(Row row, Answer answer, @FollowUp Answer verdict) {
            assertThat(verdict.request().model()).isEqualTo(CLAUDE);
            assertThat(verdict.completion().model()).startsWith("claude-haiku-4-5");
            assertThat(verdict.text()).isNotBlank();
        }
    }

    private EngineExecutionResults run(Class<?> fixture, Map<String, String> more) {
        Map<String, String> p = new HashMap<>(Map.of(
                "evalunit.checkpoint.dir", state.toString(),
                "evalunit.progress", "off",
                "evalunit.openai.api-key", "sk-" + "test-followups0123456789abc",
                "evalunit.openai.base-url", simulator.baseUrl(),
                "evalunit.retry.max-attempts", "1",
                "evalunit.batch.threshold", "10",
                "evalunit.batch.poll-interval", "50ms"));
        p.putAll(more);
        return EngineTestKit.engine("junit-jupiter").configurationParameters(p).selectors(selectClass(fixture)).execute();
    }

    private static long chatRequestsTo(String model) {
        return simulator.requests().count(r -> r.path().endsWith("/chat/completions") && r.body().contains(model));
    }

    @Test
    void inRealTimeEachAnswerIsJudgedByTheRunAndAResumedRunSendsNeither() throws IOException {
        run(JudgedTestCase.class, Map.of("evalunit.urgent", "true"))
                .testEvents().assertStatistics(stats -> stats.started(2 * ROWS).succeeded(2 * ROWS));

        assertThat(simulator.requests().chatRequests()).isEqualTo(2 * ROWS + judges());
        assertThat(chatRequestsTo("\"" + JUDGE_MODEL + "\"")).isEqualTo(judges());

        simulator.reset();
        run(JudgedTestCase.class, Map.of("evalunit.urgent", "true", "evalunit.results.dir",
                state.resolve("results").toString()))
                .testEvents().assertStatistics(stats -> stats.succeeded(2 * ROWS));
        assertThat(simulator.requests().chatRequests()).as("requests sent by the resumed run").isZero();
        // what the resumed run spent: nothing, for its answers and its judges alike
        assertThat(Files.readAllLines(dev.evalunit.testing.Runs.last(state.resolve("results")).resolve("invocations.jsonl")))
                .hasSize(2 * ROWS).allSatisfy(line -> assertThat(line).contains("\"route\":\"replayed\"")
                        .contains("\"promptTokens\":0,\"completionTokens\":0,\"costUsd\":0.0"));
    }

    @Test
    void inBatchModeTheJudgesOfBatchedAnswersGoToASecondBatchAndNothingGoesInRealTime() {
        run(JudgedTestCase.class, Map.of("evalunit.batch.mode", "batch"))
                .testEvents().assertStatistics(stats -> stats.started(2 * ROWS).succeeded(2 * ROWS));

        assertThat(simulator.requests().chatRequests()).as("requests sent in real time").isZero();
        assertThat(simulator.requests().batchesCreated()).isEqualTo(2);
        assertThat(simulator.batches()).extracting(b -> b.total()).containsExactly(2 * ROWS, judges());

        simulator.reset();
        run(JudgedTestCase.class, Map.of("evalunit.batch.mode", "batch"))
                .testEvents().assertStatistics(stats -> stats.succeeded(2 * ROWS));
        assertThat(simulator.requests().chatRequests()).isZero();
        assertThat(simulator.requests().batchesCreated()).isZero();
    }

    @Test
    void anAnthropicJudgeOfBatchedAnswersGoesToAMessageBatchOnceTheAnswersAreIn() {
        run(ClaudeJudgedTestCase.class, Map.of("evalunit.batch.mode", "batch",
                "evalunit.anthropic.api-key", "sk-ant-" + "test-followups0123456789",
                "evalunit.anthropic.base-url", simulator.anthropicBaseUrl()))
                .testEvents().assertStatistics(stats -> stats.started(2 * ROWS).succeeded(2 * ROWS));

        // the answers in OpenAI's batch, their judges in one Message Batch after it, nothing in real time
        assertThat(simulator.requests().chatRequests()).isZero();
        assertThat(simulator.requests().messagesRequests()).isZero();
        assertThat(simulator.batches()).extracting(b -> b.total()).containsExactly(2 * ROWS);
        assertThat(simulator.requests().calls("POST /v1/messages/batches")).isEqualTo(1);
    }

    @Test
    void twoTestsAskingTheSamePromptsShareOneBatchLineEachAndBothTestsJudgesAreBatched() {
        Map<String, String> p = new HashMap<>(Map.of(
                "evalunit.checkpoint.dir", state.toString(),
                "evalunit.progress", "off",
                "evalunit.openai.api-key", "sk-" + "test-followups0123456789abc",
                "evalunit.openai.base-url", simulator.baseUrl(),
                "evalunit.retry.max-attempts", "1",
                "evalunit.batch.mode", "batch",
                "evalunit.batch.poll-interval", "50ms"));
        // through a launcher session, as Surefire runs them: both tests are routed when the run starts
        var summary = new org.junit.platform.launcher.listeners.SummaryGeneratingListener();
        try (var session = org.junit.platform.launcher.core.LauncherFactory.openSession()) {
            session.getLauncher().execute(org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request()
                    .selectors(selectClass(JudgedTestCase.class), selectClass(OtherJudgeTestCase.class))
                    .configurationParameters(p).build(), summary);
        }

        assertThat(summary.getSummary().getTestsSucceededCount()).isEqualTo(4 * ROWS);
        assertThat(simulator.requests().chatRequests()).as("requests sent in real time").isZero();
        // the prompts once, then each test's judges (each distinct answer judged by each judge) once its answers are in
        assertThat(simulator.batches().get(0).total()).isEqualTo(2 * ROWS);
        assertThat(simulator.batches().stream().skip(1).mapToInt(b -> b.total()).sum()).isEqualTo(2 * judges());
    }

    @Test
    void theEstimateBeforeTheRunCountsTheFollowUpsTheAnswersWillSend() {
        String printed = dev.evalunit.testing.Console.printed(() -> run(JudgedTestCase.class,
                Map.of("evalunit.batch.mode", "batch")).testEvents().assertStatistics(stats -> stats.succeeded(2 * ROWS)));

        String estimate = printed.lines()
                .filter(l -> l.contains("@BatchEligible invocations without a stored answer go to the Batch API"))
                .findFirst().orElseThrow();
        assertThat(estimate).contains("; their " + 2 * ROWS + " follow-ups ")
                .endsWith("(assuming each answer as long as its max_tokens allows)");
    }

    @Test
    void storedAnswersWhoseJudgesAreMissingAreJudgedInABatchOfTheirOwn() throws IOException {
        run(JudgedTestCase.class, Map.of("evalunit.batch.mode", "batch"))
                .testEvents().assertStatistics(stats -> stats.succeeded(2 * ROWS));
        // as if the run had been killed after the answers were stored and before the judges were
        int removed = removeCheckpointLines(line -> line.contains("follow-up judge"));
        assertThat(removed).isEqualTo(judges());
        simulator.reset();

        run(JudgedTestCase.class, Map.of("evalunit.batch.mode", "batch"))
                .testEvents().assertStatistics(stats -> stats.succeeded(2 * ROWS));

        assertThat(simulator.requests().chatRequests()).isZero();
        assertThat(simulator.batches()).extracting(b -> b.total()).containsExactly(judges());
    }

    private int removeCheckpointLines(Predicate<String> which) throws IOException {
        int removed = 0;
        try (Stream<Path> files = Files.walk(state)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".jsonl") && !f.toString().contains("batches"))
                    .toList()) {
                List<String> lines = Files.readAllLines(file);
                List<String> kept = lines.stream().filter(which.negate()).toList();
                removed += lines.size() - kept.size();
                Files.write(file, kept);
            }
        }
        return removed;
    }

    @Test
    void withoutWaitingEachRunCollectsWhatIsDoneAndTheJudgesGoToTheirBatchOnceTheAnswersAreIn() {
        ManualClock clock = new ManualClock();
        simulator.close();
        simulator = OpenAiSimulator.start(SimulatorOptions.builder().nanoTime(clock)
                .batch(BatchOptions.builder().validatingTime(Duration.ofMinutes(1)).build()).build());
        Map<String, String> noWait = Map.of("evalunit.batch.mode", "batch", "evalunit.batch.wait", "false");

        // the answers' batch is still validating: every invocation waits for it
        run(JudgedTestCase.class, noWait).testEvents().assertStatistics(stats -> stats.aborted(2 * ROWS));
        clock.advance(Duration.ofHours(2));
        // its answers are collected, and the judges go to a second batch, which is still validating
        run(JudgedTestCase.class, noWait).testEvents().assertStatistics(stats -> stats.aborted(2 * ROWS));
        assertThat(simulator.requests().batchesCreated()).isEqualTo(2);
        clock.advance(Duration.ofHours(2));

        run(JudgedTestCase.class, noWait).testEvents().assertStatistics(stats -> stats.succeeded(2 * ROWS));
        assertThat(simulator.requests().chatRequests()).as("requests sent in real time").isZero();
        assertThat(simulator.requests().batchesCreated()).isEqualTo(2);
        assertThat(simulator.batches()).extracting(b -> b.total()).containsExactly(2 * ROWS, judges());
    }

    @Test
    void aTestWhoseEveryInvocationWasAbortedSaysWhyWithCountsAndAnExample() {
        EngineExecutionResults results = run(UnjudgedTestCase.class, Map.of("evalunit.urgent", "true"));

        results.testEvents().assertStatistics(stats -> stats.aborted(3));
        assertThat(results.containerEvents().failed().stream().map(e -> e.getPayload(
                org.junit.platform.engine.TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow()
                .getMessage())).anySatisfy(m -> assertThat(m).containsPattern("every one of the 3 invocations was "
                + "aborted, so there is no result: Unjudged · UnjudgedTestCase.isJudged: 3 × the judge's reply has no "
                + "verdict \\(e.g. q-\\d at T=0.0: answered \".+\"; judge \".+\"\\)"));
    }

    @Test
    void aParameterNamingAnUndeclaredFollowUpFailsTheTestAndSaysWhatIsDeclared() {
        EngineExecutionResults results = run(MisnamedTestCase.class, Map.of());

        assertThat(results.allEvents().failed().stream()
                .map(e -> e.getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow()
                        .getThrowable().orElseThrow().getMessage()))
                .anyMatch(m -> m.contains("@FollowUp(\"grader\")") && m.contains("[judge]"));
        assertThat(simulator.requests().chatRequests()).isZero();
    }
}
