package dev.evalunit.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.evalunit.Answer;
import dev.evalunit.BatchEligible;
import dev.evalunit.ChatRequest;
import dev.evalunit.Prompt;
import dev.evalunit.QuestionRow;
import dev.evalunit.Questions;
import dev.evalunit.simulator.BatchOptions;
import dev.evalunit.simulator.OpenAiSimulator;
import dev.evalunit.simulator.SimulatorOptions;
import dev.evalunit.testing.Console;
import dev.evalunit.testing.Runs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * Models as a dimension of a run ({@code evalunit.models}): each question asked of each model, the model in every
 * name and key, stored answers found whichever order the models come in, and the analysis comparing the models
 * paired by question.
 */
class ModelsIntegrationTests {

    static final int ROWS = 5;
    /** What each invocation's body saw: question, the model asked, the model that answered. */
    static final List<String> seen = new CopyOnWriteArrayList<>();
    static OpenAiSimulator simulator;

    @TempDir
    Path state;

    @BeforeEach
    void start() {
        simulator = OpenAiSimulator.start(SimulatorOptions.builder().batch(BatchOptions.instant()).build());
        seen.clear();
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    record Row(String id, int number, String text) implements QuestionRow {
        static Stream<Row> rows() {
            return IntStream.rangeClosed(1, ROWS).mapToObj(i -> new Row("h" + i, i, "Is claim " + i + " true?\nA. yes\nB. no"));
        }
    }

    /**
     * Model {@code a} knows every answer, model {@code b} those of the first two questions only: at each temperature
     * {@code a} is better on 3 questions and {@code b} on none, a worked example of McNemar's exact test.
     */
    @BenchmarkSuite(name = "Models", temperatures = {0.0, 1.0})
    static class ModelsTestCase {
        static Stream<Row> rows() {
            return Row.rows();
        }

        @Prompt
        static ChatRequest ask(Row row) {
            return ChatRequest.user(row.text()).maxTokens(5);
        }

        @BenchmarkTest
        @Questions("rows")
        void knows(Row row, Answer answer) {
            seen.add(row.id() + " " + answer.request().model() + " " + answer.completion().model());
            assertTrue(answer.request().model().equals("a") || row.number() <= 2, "b does not know " + row.id());
        }
    }

    /** Temperatures an OpenAI model takes and Anthropic's do not. */
    @BenchmarkSuite(name = "Hot", temperatures = {0.0, 1.5})
    static class HotTestCase {
        static Stream<Row> rows() {
            return Row.rows();
        }

        @Prompt
        static ChatRequest ask(Row row) {
            return ChatRequest.user(row.text()).maxTokens(5);
        }

        @BenchmarkTest
        @Questions("rows")
        void knows(Row row, Answer answer) {
            seen.add(row.id());
        }
    }

    /** The same questions through the Batch API: both models' lines of one question in one suite's batches. */
    @BenchmarkSuite(name = "BatchedModels", temperatures = {0.0, 1.0})
    static class BatchedTestCase {
        static Stream<Row> rows() {
            return Row.rows();
        }

        @Prompt
        static ChatRequest ask(Row row) {
            return ChatRequest.user(row.text()).maxTokens(5);
        }

        @BenchmarkTest
        @Questions("rows")
        @BatchEligible
        void answersFromItsOwnModel(Row row, Answer answer) {
            seen.add(row.id() + " " + answer.request().model() + " " + answer.completion().model());
            assertThat(answer.completion().model()).isEqualTo(answer.request().model());
        }
    }

    /** A prompt that names its own model: the list does not replace it. */
    @BenchmarkSuite(name = "OwnModel", temperatures = {0.0, 1.0})
    static class OwnModelTestCase {
        static Stream<Row> rows() {
            return Row.rows();
        }

        @Prompt
        static ChatRequest ask(Row row) {
            return ChatRequest.user(row.text()).maxTokens(5).model("c");
        }

        @BenchmarkTest
        @Questions("rows")
        void asksItsOwn(Row row, Answer answer) {
            seen.add(row.id() + " " + answer.request().model());
        }
    }

    private EngineExecutionResults run(Class<?> fixture, Map<String, String> more) {
        Map<String, String> p = new HashMap<>(Map.of(
                "evalunit.checkpoint.dir", state.toString(),
                "evalunit.results.dir", state.resolve("results").toString(),
                "evalunit.progress", "off",
                "evalunit.openai.api-key", "sk-" + "test-models0123456789abcdef",
                "evalunit.openai.base-url", simulator.baseUrl(),
                "evalunit.batch.poll-interval", "50ms"));
        p.putAll(more);
        return EngineTestKit.engine("junit-jupiter").configurationParameters(p).selectors(selectClass(fixture)).execute();
    }

    private static List<String> names(EngineExecutionResults results) {
        return results.testEvents().started().stream().map(e -> e.getTestDescriptor().getDisplayName()).toList();
    }

    private long sentTo(String model) {
        return simulator.requests().count(r -> r.isChat() && model.equals(r.model()));
    }

    @Test
    void twoModelsMakeTwiceTheInvocationsEachNamedByItsModelAndBothModelsAreAsked() {
        EngineExecutionResults results = run(ModelsTestCase.class, Map.of("evalunit.models", "a,b"));

        results.testEvents().assertStatistics(stats -> stats.started(2 * 2 * ROWS).succeeded(2 * 2 + 2 * ROWS)
                .failed(2 * (ROWS - 2)));
        assertThat(sentTo("a")).isEqualTo(2 * ROWS);
        assertThat(sentTo("b")).isEqualTo(2 * ROWS);
        assertThat(simulator.requests().chatRequests()).as("nothing else").isEqualTo(4 * ROWS);
        List<String> names = names(results);
        assertThat(names).hasSize(4 * ROWS);
        assertThat(names.subList(0, 5)).as("row-major: a question's answers from both models come together")
                .zipSatisfy(List.of("[a T=0.0 s=1] h1 ", "[a T=1.0 s=1] h1 ", "[b T=0.0 s=1] h1 ", "[b T=1.0 s=1] h1 ",
                        "[a T=0.0 s=1] h2 "), (name, start) -> assertThat(name).startsWith(start));
        assertThat(seen).contains("h3 a a", "h3 b b").hasSize(4 * ROWS);
    }

    @Test
    void withoutTheListNothingChangesInTheNames() {
        EngineExecutionResults results = run(ModelsTestCase.class, Map.of("evalunit.model", "a"));

        assertThat(names(results)).hasSize(2 * ROWS).allSatisfy(name -> assertThat(name).startsWith("[T="));
        assertThat(sentTo("a")).isEqualTo(2 * ROWS);
    }

    @Test
    void aSecondRunWithTheModelsTheOtherWayRoundSendsNothing() {
        run(ModelsTestCase.class, Map.of("evalunit.models", "a,b"));
        assertThat(simulator.requests().chatRequests()).isEqualTo(4 * ROWS);
        simulator.reset();

        EngineExecutionResults[] again = new EngineExecutionResults[1];
        String console = Console.printed(() -> again[0] = run(ModelsTestCase.class, Map.of("evalunit.models", "b,a")));

        assertThat(simulator.requests().chatRequests()).as("every answer of either model is stored").isZero();
        again[0].testEvents().assertStatistics(stats -> stats.started(4 * ROWS));
        assertThat(names(again[0]).get(0)).startsWith("[b T=0.0 s=1] h1 ");
        // the run's order everywhere: b's rows first, b the reference of the comparison
        assertThat(console.indexOf("\n  b      0.0  5")).isPositive().isLessThan(console.indexOf("\n  a      0.0  5"));
        assertThat(console.indexOf("\n    1.0 b  accuracy")).isPositive()
                .isLessThan(console.indexOf("\n    1.0 a  accuracy"));
        assertThat(console).containsPattern("\n    0\\.0  b -> a +accuracy  5 +40\\.0% +100\\.0% +\\+60\\.0 pts ");
    }

    @Test
    void answersOfSingleModelRunsAreFoundByARunThatComparesThem() {
        run(ModelsTestCase.class, Map.of("evalunit.model", "a"));
        run(ModelsTestCase.class, Map.of("evalunit.model", "b"));
        run(ModelsTestCase.class, Map.of("evalunit.model", "a")); // A, B, A: the third pays nothing
        assertThat(simulator.requests().chatRequests()).isEqualTo(4 * ROWS);
        simulator.reset();

        run(ModelsTestCase.class, Map.of("evalunit.models", "a,b"))
                .testEvents().assertStatistics(stats -> stats.started(4 * ROWS));

        assertThat(simulator.requests().chatRequests()).as("an answer is found by its request, model included")
                .isZero();
    }

    @Test
    void theAnalysisShowsEachModelAndComparesThemPairedByQuestion() throws IOException {
        String console = Console.printed(() -> run(ModelsTestCase.class, Map.of("evalunit.models", "a,b")));

        assertThat(console).contains("Models · ModelsTestCase.knows\n"
                + "  model  T    answered  unscored  accuracy  95% CI        agree\n"
                + "  a      0.0  5         0         100.0%    56.6%–100.0%  -\n"
                + "  a      1.0  5         0         100.0%    56.6%–100.0%  -\n"
                + "  b      0.0  5         0         40.0%     11.8%–76.9%   -\n"
                + "  b      1.0  5         0         40.0%     11.8%–76.9%   -\n");
        assertThat(console).contains("  the models compared at each temperature on the same questions");
        // McNemar's exact test on 3 discordant questions, all a's: p = 2 x 0.5^3 = 0.25; Holm over the two
        // temperatures' p = 0.25: 2 x 0.25 = 0.5 for both
        assertThat(console).containsPattern("\n    0\\.0  a -> b +accuracy  5 +100\\.0% +40\\.0% +-60\\.0 pts .+ 3 +0 +0\\.5000 ");
        assertThat(console).containsPattern("\n    1\\.0  a -> b +accuracy  5 +100\\.0% +40\\.0% +-60\\.0 pts .+ 3 +0 +0\\.5000 ");
        assertThat(console).contains("Models — 20 invocations").containsPattern("\n  model +T +n +pass")
                .containsPattern("\n  b +1\\.0 +5 +40\\.0% ");

        Path run = Runs.last(state.resolve("results"));
        JsonNode analysis = new ObjectMapper().readTree(run.resolve("analysis.json").toFile());
        assertThat(analysis.at("/suites/0/tests").findValuesAsText("model")).containsExactly("a", "b");
        JsonNode byModel = analysis.at("/modelComparisons");
        assertThat(byModel).hasSize(2);
        for (JsonNode c : byModel) {
            assertThat(c.get("a").asText() + " -> " + c.get("b").asText()).isEqualTo("a -> b");
            assertThat(c.get("questions").asInt()).isEqualTo(ROWS);
            assertThat(c.get("aBetter").asInt()).isEqualTo(3);
            assertThat(c.get("bBetter").asInt()).isZero();
            assertThat(c.get("pValue").asDouble()).isCloseTo(0.25, within(1e-12));
            assertThat(c.get("pHolm").asDouble()).isCloseTo(0.5, within(1e-12));
        }
        assertThat(analysis.at("/temperatureComparisons").findValuesAsText("where")).as("temperatures within a model")
                .containsExactly("a", "b");
        assertThat(run.resolve("models").resolve("compare.md")).exists();
        assertThat(new ObjectMapper().readTree(run.resolve("run.json").toFile()).get("comparedModels"))
                .extracting(JsonNode::asText).containsExactly("a", "b");
        List<String> csv = Files.readAllLines(run.resolve("results.csv"));
        assertThat(csv.get(0)).startsWith("suite,test,question,category,temperature,sample,model,compared_model,origin,");
        assertThat(csv).hasSize(1 + 4 * ROWS).anyMatch(line -> line.contains(",1,b,b,\"live "));
    }

    @Test
    void aRunOfOneModelWritesNoModelColumnAndNoModelComparison() throws IOException {
        String console = Console.printed(() -> run(ModelsTestCase.class, Map.of("evalunit.model", "a")));

        assertThat(console).contains("  T    answered").doesNotContain("models compared").doesNotContain("  model ");
        Path run = Runs.last(state.resolve("results"));
        assertThat(Files.readString(run.resolve("analysis.json"))).doesNotContain("\"model\"")
                .doesNotContain("modelComparisons");
        assertThat(Files.readString(run.resolve("run.json"))).doesNotContain("comparedModels");
        assertThat(Files.readAllLines(run.resolve("results.csv")).get(0)).doesNotContain("compared_model");
    }

    @Test
    void aPromptThatNamesItsOwnModelKeepsItAndIsAskedOnce() {
        EngineExecutionResults results = run(OwnModelTestCase.class, Map.of("evalunit.models", "a,b"));

        assertThat(names(results)).hasSize(2 * ROWS).allSatisfy(name -> assertThat(name).startsWith("[c T="));
        assertThat(sentTo("c")).isEqualTo(2 * ROWS);
        assertThat(simulator.requests().chatRequests()).isEqualTo(2 * ROWS);
    }

    @Test
    void selectingAQuestionAsksItOfEachModel() {
        EngineExecutionResults results = run(ModelsTestCase.class, Map.of("evalunit.models", "a,b",
                "evalunit.question", "h2"));

        assertThat(names(results)).hasSize(4).allSatisfy(name -> assertThat(name).contains("] h2 "))
                .anySatisfy(name -> assertThat(name).startsWith("[a ")).anySatisfy(name -> assertThat(name).startsWith("[b "));
        assertThat(sentTo("a")).isEqualTo(2);
        assertThat(sentTo("b")).isEqualTo(2);
    }

    @Test
    @Timeout(120)
    void inBatchesEachModelsLineOfAQuestionIsItsOwn() {
        EngineExecutionResults results = run(BatchedTestCase.class, Map.of("evalunit.models", "a,b",
                "evalunit.batch.mode", "batch"));

        results.testEvents().assertStatistics(stats -> stats.started(4 * ROWS).succeeded(4 * ROWS));
        assertThat(simulator.requests().chatRequests()).as("every answer came from a batch").isZero();
        assertThat(simulator.batches()).isNotEmpty();
        assertThat(seen).contains("h1 a a", "h1 b b").hasSize(4 * ROWS);
    }

    @Test
    void aModelListedTwiceFailsTheRunNamingTheKeyAndTheModelAndNothingIsSent() {
        EngineExecutionResults results = run(ModelsTestCase.class, Map.of("evalunit.models", "a,b,a"));

        results.containerEvents().assertThatEvents().haveExactly(1, event(finishedWithFailure(message(m ->
                m.startsWith("evalunit: the run failed: ") && m.contains("evalunit.models lists a twice")))));
        assertThat(simulator.requests().chatRequests()).isZero();
    }

    @Test
    void anEmptyEntryFailsTheRunNamingTheKeyAndNothingIsSent() {
        EngineExecutionResults results = run(ModelsTestCase.class, Map.of("evalunit.models", "a,,b"));

        results.containerEvents().assertThatEvents().haveExactly(1, event(finishedWithFailure(message(m ->
                m.startsWith("evalunit: the run failed: ") && m.contains("evalunit.models has an empty entry")))));
        assertThat(simulator.requests().chatRequests()).isZero();
    }

    @Test
    void aTemperatureAnAnthropicModelCannotTakeFailsTheTestBeforeAnythingIsSent() {
        EngineExecutionResults results = run(HotTestCase.class,
                Map.of("evalunit.models", "gpt-4o-mini,anthropic:claude-haiku-4-5"));

        results.allEvents().assertThatEvents().haveAtLeast(1, event(finishedWithFailure(message(m -> m.contains(
                "asks anthropic:claude-haiku-4-5 at 1.5, which it cannot be asked: the request sets temperature 1.5, "
                        + "above 1, the most claude-haiku-4-5 takes")))));
        assertThat(seen).isEmpty();
        assertThat(simulator.requests().chatRequests()).isZero();
    }
}
