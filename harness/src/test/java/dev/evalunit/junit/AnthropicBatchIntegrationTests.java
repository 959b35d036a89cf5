package dev.evalunit.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.evalunit.Answer;
import dev.evalunit.BatchEligible;
import dev.evalunit.ChatRequest;
import dev.evalunit.Prompt;
import dev.evalunit.QuestionRow;
import dev.evalunit.Questions;
import dev.evalunit.Samples;
import dev.evalunit.config.ModelPrice;
import dev.evalunit.config.PriceTable;
import dev.evalunit.simulator.BatchOptions;
import dev.evalunit.simulator.ManualClock;
import dev.evalunit.simulator.OpenAiSimulator;
import dev.evalunit.simulator.SimulatedBatch;
import dev.evalunit.simulator.SimulatorOptions;
import dev.evalunit.testing.Console;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
 * {@code @BatchEligible} suites asking OpenAI's and Anthropic's models: each model's requests go to its provider's
 * batches (OpenAI's Batch API, Anthropic's Message Batches, each with its own ledger), are answered at the batch
 * price, and come back through the checkpoint; a run that does not wait leaves its Message Batch to the next run.
 */
class AnthropicBatchIntegrationTests {

    static final int ROWS = 6;
    static final int SAMPLES = 3;
    static final String CLAUDE = "anthropic:claude-haiku-4-5";
    static final List<Answer> seen = new CopyOnWriteArrayList<>();
    /** The simulator's clock: batches move only when a test advances it. */
    static final ManualClock clock = new ManualClock();
    static OpenAiSimulator simulator;

    @TempDir
    Path state;

    @BeforeEach
    void start() {
        simulator = OpenAiSimulator.start(SimulatorOptions.builder().nanoTime(clock)
                .batch(BatchOptions.builder().validatingTime(Duration.ofMinutes(1)).build()).build());
        seen.clear();
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    record Row(String id, String text) implements QuestionRow {
        static Stream<Row> rows() {
            return IntStream.rangeClosed(1, ROWS).mapToObj(i -> new Row("q-" + i, "Question " + i + "?\nA. yes\nB. no"));
        }
    }

    @BenchmarkSuite(name = "TwoProviders", temperatures = {0.0, 1.0})
    static class TwoProvidersTestCase {
        static Stream<Row> rows() {
            return Row.rows();
        }

        @Prompt
        static ChatRequest ask(Row row) {
            return ChatRequest.of("Answer with one letter.", row.text()).maxTokens(5);
        }

        @BenchmarkTest
        @Questions("rows")
        @BatchEligible
        void answers(Row row, Answer answer) {
            seen.add(answer);
            assertThat(answer.letter()).isPresent();
        }
    }

    @BenchmarkSuite(name = "SampledClaude", temperatures = {1.0})
    static class SampledTestCase {
        static Stream<Row> rows() {
            return Row.rows();
        }

        @Prompt
        static ChatRequest ask(Row row) {
            return ChatRequest.user(row.text()).maxTokens(5);
        }

        @BenchmarkTest
        @Questions("rows")
        @Samples(SAMPLES)
        @BatchEligible
        void samples(Row row, Answer answer) {
            seen.add(answer);
        }
    }

    private EngineExecutionResults run(Class<?> fixture, Map<String, String> more) {
        Map<String, String> p = new HashMap<>(Map.of(
                "evalunit.checkpoint.dir", state.toString(),
                "evalunit.progress", "off",
                "evalunit.openai.api-key", "sk-" + "test-anthropic-batches012345",
                "evalunit.openai.base-url", simulator.baseUrl(),
                "evalunit.anthropic.api-key", "sk-ant-" + "test-anthropic-batches012345",
                "evalunit.anthropic.base-url", simulator.anthropicBaseUrl(),
                "evalunit.retry.max-attempts", "1",
                "evalunit.batch.mode", "batch",
                "evalunit.batch.poll-interval", "50ms"));
        p.putAll(more);
        return EngineTestKit.engine("junit-jupiter").configurationParameters(p).selectors(selectClass(fixture)).execute();
    }

    private static void instantBatches() {
        clock.advance(Duration.ofHours(2)); // nothing in a run advances it: let batches end on their first poll
        simulator.reconfigure(simulator.options().toBuilder().batch(BatchOptions.instant()).build());
    }

    /** The {@code requests} of each Message Batch created, in order, as the simulator received them. */
    private static List<JsonNode> messageBatches() {
        ObjectMapper json = new ObjectMapper();
        return simulator.requests().all().stream().filter(r -> r.endpoint().equals("POST /v1/messages/batches"))
                .map(r -> {
                    try {
                        return json.readTree(r.body()).get("requests");
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }).toList();
    }

    private List<String> ledger(Path relative) throws IOException {
        try (Stream<Path> files = Files.walk(state)) {
            Path ledger = files.filter(f -> f.endsWith(relative)).findFirst().orElseThrow();
            return Files.readAllLines(ledger);
        }
    }

    @Test
    @Timeout(120)
    void eachModelsRequestsGoToItsProvidersBatchesAndClaudesAnswersCostTheBatchPrice() throws IOException {
        instantBatches();

        EngineExecutionResults[] results = new EngineExecutionResults[1];
        String console = Console.printed(() -> results[0] = run(TwoProvidersTestCase.class,
                Map.of("evalunit.models", "gpt-4o-mini," + CLAUDE)));

        results[0].testEvents().assertStatistics(stats -> stats.started(2 * 2 * ROWS).succeeded(2 * 2 * ROWS));
        assertThat(simulator.requests().chatRequests()).as("nothing in real time").isZero();
        assertThat(simulator.requests().messagesRequests()).as("nothing in real time").isZero();
        assertThat(simulator.batches()).singleElement().extracting(SimulatedBatch::total).isEqualTo(2 * ROWS);
        assertThat(simulator.batches().get(0).model()).isEqualTo("gpt-4o-mini");
        assertThat(messageBatches()).singleElement().satisfies(requests -> {
            assertThat(requests).hasSize(2 * ROWS);
            assertThat(requests.get(0).get("params").get("model").asText()).isEqualTo("claude-haiku-4-5");
            assertThat(requests.get(0).get("params").get("system").asText()).isEqualTo("Answer with one letter.");
        });
        ModelPrice price = PriceTable.defaults().forModel(CLAUDE).orElseThrow();
        List<Answer> claude = seen.stream().filter(a -> a.request().model().equals(CLAUDE)).toList();
        assertThat(claude).hasSize(2 * ROWS).allSatisfy(a -> {
            assertThat(a.completion().model()).isEqualTo("claude-haiku-4-5");
            assertThat(a.completion().costUsd()).isPositive().isCloseTo(price.cost(a.completion().promptTokens(),
                    a.completion().cachedTokens(), a.completion().completionTokens(), false) / 2, within(1e-12));
        });
        assertThat(ledger(Path.of("batches", "ledger.jsonl"))).anyMatch(l -> l.contains("\"collected\""))
                .noneMatch(l -> l.contains("msgbatch_"));
        assertThat(ledger(Path.of("batches", "anthropic", "ledger.jsonl")))
                .anyMatch(l -> l.contains("\"collected\"") && l.contains("msgbatch_"));
        assertThat(console).contains("TwoProviders Message Batches: 1, " + 2 * ROWS + " answers at the batch price")
                .doesNotContain("not supported yet");

        simulator.reset();
        run(TwoProvidersTestCase.class, Map.of("evalunit.models", "gpt-4o-mini," + CLAUDE))
                .testEvents().assertStatistics(stats -> stats.succeeded(2 * 2 * ROWS));
        assertThat(simulator.requests().count()).as("every answer is stored").isZero();
    }

    @Test
    @Timeout(120)
    void aRunThatDoesNotWaitLeavesItsMessageBatchToTheNextRunWhichCollectsItWithoutSendingAgain() {
        EngineExecutionResults first = run(TwoProvidersTestCase.class, Map.of("evalunit.model", CLAUDE,
                "evalunit.batch.wait", "false"));

        first.testEvents().assertStatistics(stats -> stats.started(2 * ROWS).aborted(2 * ROWS));
        assertThat(messageBatches()).hasSize(1);

        clock.advance(Duration.ofHours(2));
        EngineExecutionResults second = run(TwoProvidersTestCase.class, Map.of("evalunit.model", CLAUDE));

        second.testEvents().assertStatistics(stats -> stats.started(2 * ROWS).succeeded(2 * ROWS));
        assertThat(messageBatches()).as("Message Batches created over both runs").hasSize(1);
        assertThat(simulator.requests().messagesRequests()).isZero();
    }

    @Test
    @Timeout(120)
    void eachSampleOfAClaudeModelIsALineOfItsOwnForClaudeHasNoN() {
        instantBatches();

        run(SampledTestCase.class, Map.of("evalunit.model", CLAUDE))
                .testEvents().assertStatistics(stats -> stats.started(ROWS * SAMPLES).succeeded(ROWS * SAMPLES));

        assertThat(messageBatches()).singleElement().satisfies(requests -> {
            assertThat(requests).hasSize(ROWS * SAMPLES);
            List<JsonNode> all = new ArrayList<>();
            requests.forEach(all::add);
            assertThat(all).allSatisfy(r -> assertThat(r.get("params").has("n")).isFalse());
        });
        assertThat(simulator.requests().messagesRequests()).isZero();
        simulator.reset();
        run(SampledTestCase.class, Map.of("evalunit.model", CLAUDE))
                .testEvents().assertStatistics(stats -> stats.succeeded(ROWS * SAMPLES));
        assertThat(simulator.requests().count()).as("every sample's answer is stored").isZero();
    }
}
