package dev.evalunit.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.evalunit.Answer;
import dev.evalunit.ChatRequest;
import dev.evalunit.FollowUp;
import dev.evalunit.LlmClient;
import dev.evalunit.Prompt;
import dev.evalunit.QuestionRow;
import dev.evalunit.Samples;
import dev.evalunit.Questions;
import dev.evalunit.Temperature;
import dev.evalunit.internal.report.BuildOutcome;
import dev.evalunit.simulator.OpenAiSimulator;
import dev.evalunit.simulator.SimulatorOptions;
import dev.evalunit.testing.Console;
import dev.evalunit.testing.Logs;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/** Every run counts and prices what it will ask before it sends anything; a dry run sends nothing at all. */
class EstimateIntegrationTests {

    static OpenAiSimulator simulator;

    @TempDir
    Path state;

    @BeforeEach
    void start() {
        simulator = OpenAiSimulator.start(SimulatorOptions.defaults());
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    record Row(String id, String text) implements QuestionRow {
    }

    /** Real time (not batch-eligible), judged, with one row that swallowed a file. */
    @BenchmarkSuite(name = "Priced", temperatures = {0.0, 1.0})
    static class PricedTestCase {
        static Stream<Row> rows() {
            return IntStream.rangeClosed(1, 10).mapToObj(i -> new Row("h" + i, i == 7
                    ? "Is this claim true? " + "The report goes on. ".repeat(2_000) : "Is claim " + i + " true?"));
        }

        @Prompt
        static ChatRequest ask(Row row) {
            return ChatRequest.user(row.text()).maxTokens(10);
        }

        @FollowUp
        static ChatRequest judge(Row row, Answer answer) {
            return ChatRequest.user("Is '" + answer.text() + "' right?").maxTokens(5);
        }

        @BenchmarkTest
        @Questions("rows")
        void detects(Row row, Answer answer, @FollowUp Answer verdict) {
        }

        @BenchmarkTest
        void handWritten(Temperature t, LlmClient llm) {
            llm.generate(ChatRequest.user("Capital of Australia?").temperature(t.value()));
        }
    }

    /** Samples of two providers' models: OpenAI's share one request of n choices, Anthropic's (no n) go one each. */
    @BenchmarkSuite(name = "SampledModels", temperatures = {0.0})
    static class SampledModelsTestCase {
        static Stream<Row> rows() {
            return IntStream.rangeClosed(1, 4).mapToObj(i -> new Row("s" + i, "Is claim " + i + " true?"));
        }

        @Prompt
        static ChatRequest ask(Row row) {
            return ChatRequest.user(row.text()).maxTokens(10);
        }

        @BenchmarkTest
        @Questions("rows")
        @Samples(3)
        void sampled(Row row, Answer answer) {
        }
    }

    private EngineExecutionResults run(Map<String, String> more) {
        Map<String, String> p = new HashMap<>(Map.of(
                "evalunit.checkpoint.dir", state.resolve("benchmark-state").toString(),
                "evalunit.results.dir", state.resolve("results").toString(),
                "evalunit.progress", "off",
                "evalunit.allure", "false",
                "evalunit.openai.api-key", "sk-" + "test-estimate0123456789abcdef",
                "evalunit.openai.base-url", simulator.baseUrl()));
        p.putAll(more);
        return EngineTestKit.engine("junit-jupiter").configurationParameters(p).selectors(selectClass(PricedTestCase.class))
                .execute();
    }

    @Test
    void aRealTimeRunSaysWhatItWillAskAndWhatItMayCostBeforeItSendsAnything() {
        Logs.Captured<String> run = Logs.capture("dev.evalunit", Level.WARNING, () -> Console.printed(() -> run(Map.of())));

        assertThat(run.value()).containsPattern("evalunit: 20 invocations planned: 0 answers stored \\(replayed, "
                + "nothing paid\\), 20 requests to send and 20 follow-ups of their answers; at most \\$0\\.\\d{4} in "
                + "real time \\(assuming each answer as long as its max_tokens allows\\)");
        assertThat(run.records()).anySatisfy(r -> assertThat(r.getMessage()).startsWith("Priced · "
                + "PricedTestCase.detects: the prompt of h7 has ").contains(" times the median of the "
                + "test's prompts"));

        // the second run replays them: it says so, and that nothing is left to pay
        String again = Console.printed(() -> run(Map.of()));
        assertThat(again).contains("evalunit: 20 invocations planned: 20 answers stored (replayed, nothing paid), "
                + "0 requests to send and 0 follow-ups of their answers");
    }

    @Test
    void theEstimateCountsOneRequestASampleForAModelWithoutN() {
        Map<String, String> p = Map.of(
                "evalunit.checkpoint.dir", state.resolve("benchmark-state").toString(),
                "evalunit.results.dir", state.resolve("results").toString(),
                "evalunit.progress", "off",
                "evalunit.allure", "false",
                "evalunit.dry-run", "true",
                "evalunit.models", "gpt-4o-mini,anthropic:claude-haiku-4-5",
                "evalunit.openai.api-key", "sk-" + "test-estimate0123456789abcdef",
                "evalunit.openai.base-url", simulator.baseUrl());

        String console = Console.printed(() -> EngineTestKit.engine("junit-jupiter").configurationParameters(p)
                .selectors(selectClass(SampledModelsTestCase.class)).execute());

        // 4 rows x 2 models x 3 samples: gpt-4o-mini's samples share 4 requests of 3 choices, Claude's are 12 requests
        assertThat(console).contains("evalunit: 24 invocations planned: 0 answers stored (replayed, nothing paid), "
                + "16 requests to send");
        assertThat(simulator.requests().all()).isEmpty();
    }

    @Test
    void aDryRunPlansCountsAndPricesEverythingSendsNothingAndPasses() {
        String console = Console.printed(() -> run(Map.of("evalunit.dry-run", "true")).testEvents()
                .assertStatistics(s -> s.started(22).aborted(22)));

        assertThat(simulator.requests().all()).as("the server saw no request at all").isEmpty();
        BuildOutcome.Verdict verdict = BuildOutcome.Verdict.read(state.resolve("results").resolve("verdict.json"));
        assertThat(verdict.passed()).isTrue();
        assertThat(verdict.reason()).startsWith("a dry run (evalunit.dry-run=true): 20 invocations planned, 0 answers "
                + "stored, 20 requests and 20 follow-ups would be sent, at most $");
        assertThat(console).contains("; a dry run (evalunit.dry-run=true): nothing is sent");
    }
}
