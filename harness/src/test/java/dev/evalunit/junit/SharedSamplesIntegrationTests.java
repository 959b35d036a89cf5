package dev.evalunit.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.evalunit.Answer;
import dev.evalunit.BatchEligible;
import dev.evalunit.ChatRequest;
import dev.evalunit.LlmException;
import dev.evalunit.Prompt;
import dev.evalunit.QuestionRow;
import dev.evalunit.Questions;
import dev.evalunit.Samples;
import dev.evalunit.simulator.BatchOptions;
import dev.evalunit.simulator.OpenAiSimulator;
import dev.evalunit.simulator.SimulatorOptions;
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
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/** {@code @Samples(n)} served by one request of n choices: one checkpoint line and outcome per sample. */
class SharedSamplesIntegrationTests {

    static final int ROWS = 12;
    static final int SAMPLES = 3;
    static final List<Answer> seen = new CopyOnWriteArrayList<>();
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

    record Row(String id, String text) implements QuestionRow {
    }

    @BenchmarkSuite(name = "Sampled", temperatures = {0.5, 1.0})
    static class SampledTestCase {
        static Stream<Row> rows() {
            return IntStream.rangeClosed(1, ROWS).mapToObj(i -> new Row("q-" + i, "Question " + i + "?"));
        }

        @Prompt
        static ChatRequest ask(Row row) {
            return ChatRequest.user(row.text()).maxTokens(10).logprobs(2);
        }

        @BenchmarkTest
        @Questions("rows")
        @Samples(SAMPLES)
        @BatchEligible
        void samples(Row row, Answer answer) {
            seen.add(answer);
        }
    }

    private void run(Map<String, String> more) {
        Map<String, String> p = new HashMap<>(Map.of(
                "evalunit.checkpoint.dir", state.toString(),
                "evalunit.progress", "off",
                "evalunit.openai.api-key", "sk-" + "test-samples0123456789abcde",
                "evalunit.openai.base-url", simulator.baseUrl(),
                "evalunit.retry.max-attempts", "1",
                "evalunit.batch.threshold", "10",
                "evalunit.batch.poll-interval", "50ms"));
        p.putAll(more);
        EngineTestKit.engine("junit-jupiter").configurationParameters(p).selectors(selectClass(SampledTestCase.class))
                .execute().testEvents().assertStatistics(stats -> stats.started(2 * ROWS * SAMPLES)
                        .succeeded(2 * ROWS * SAMPLES));
    }

    @Test
    void theSamplesOfARowAtATemperatureShareOneRequestEachWithItsOwnChoiceAndShareOfTheCost() {
        // a look-ahead window of 32 (4 x 2, at least 32) splits the samples of the 11th request across its edge
        run(Map.of("evalunit.urgent", "true", "evalunit.rate-limit.max-concurrency", "2"));

        assertThat(simulator.requests().chatRequests()).isEqualTo(2 * ROWS);
        assertThat(seen).as("answered by this run, none replayed").noneMatch(Answer::replayed);
        assertThat(seen).allSatisfy(a -> {
            assertThat(a.request().n()).isEqualTo(SAMPLES);
            assertThat(a.completion().choices()).containsExactly(a.text());
            assertThat(a.completion().logprobs()).as("each sample keeps its own choice's log probabilities").isNotEmpty();
        });
        double billed = simulator.requests().all().stream().filter(r -> r.isChat()).count() > 0
                ? seen.stream().mapToDouble(a -> a.completion().costUsd()).sum() : 0;
        long promptTokens = seen.stream().mapToLong(a -> a.completion().promptTokens()).sum();
        assertThat(promptTokens).as("the samples' lines add up to the prompts billed")
                .isEqualTo(simulator.requests().billedPromptTokens());
        assertThat(billed).isPositive();

        seen.clear();
        simulator.reset();
        run(Map.of("evalunit.urgent", "true"));
        assertThat(simulator.requests().chatRequests()).as("sent by the resumed run").isZero();
        assertThat(seen).allSatisfy(a -> assertThat(a.replayed()).isTrue());
    }

    @Test
    void perSampleRequestsRemainAvailable() {
        run(Map.of("evalunit.urgent", "true", "evalunit.samples.mode", "requests"));

        assertThat(simulator.requests().chatRequests()).isEqualTo(2 * ROWS * SAMPLES);
        assertThat(seen).allSatisfy(a -> assertThat(a.request().n()).isEqualTo(1));
    }

    @Test
    void aBatchHasOneLineOfNChoicesPerRowAndTemperature() {
        run(Map.of("evalunit.batch.mode", "batch"));

        assertThat(simulator.requests().chatRequests()).isZero();
        assertThat(simulator.batches()).extracting(b -> b.total()).containsExactly(2 * ROWS);

        simulator.reset();
        run(Map.of("evalunit.batch.mode", "batch"));
        assertThat(simulator.requests().batchesCreated()).isZero();
        assertThat(simulator.requests().chatRequests()).isZero();
    }

    @Test
    void aLocalServerThatIgnoresNAndHasNoBatchApiIsAskedOnceASampleInRealTime() {
        // Given an OpenAI-compatible server as vLLM or llama.cpp's is: one choice whatever n asks, no rate-limit
        // headers, and no files or batches endpoint (WireMock answers 404 to what it was not told)
        WireMockServer server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        server.start();
        try {
            server.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(200)
                    .withHeader("content-type", "application/json").withBody("""
                            {"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"gpt-4o-mini",
                             "choices":[{"index":0,"message":{"role":"assistant","content":"A","refusal":null},
                                         "logprobs":null,"finish_reason":"stop"}],
                             "usage":{"prompt_tokens":12,"completion_tokens":1,"total_tokens":13}}
                            """)));
            Map<String, String> p = new HashMap<>(Map.of(
                    "evalunit.checkpoint.dir", state.toString(),
                    "evalunit.progress", "off",
                    "evalunit.openai.api-key", "sk-" + "test-samples0123456789abcde",
                    "evalunit.openai.base-url", server.baseUrl() + "/v1",
                    "evalunit.retry.max-attempts", "1",
                    "evalunit.batch.mode", "batch",
                    "evalunit.question", "q-1"));

            // When the test's samples are asked, in batches if the server had them
            EngineTestKit.engine("junit-jupiter").configurationParameters(p).selectors(selectClass(SampledTestCase.class))
                    .execute().testEvents().assertStatistics(stats -> stats.started(2 * SAMPLES).succeeded(2 * SAMPLES));

            // Then the missing Batch API was met once, and every sample was asked in real time once: the first request
            // of n choices found the server ignores n, and the rest went one request a sample
            assertThat(server.findAll(postRequestedFor(urlEqualTo("/v1/files")))).hasSize(1);
            List<LoggedRequest> chats = server.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions")));
            assertThat(chats).hasSize(2 * SAMPLES);
            assertThat(chats.stream().filter(r -> r.getBodyAsString().contains("\"n\":" + SAMPLES)).count())
                    .isBetween(1L, 2L);
            assertThat(seen).hasSize(2 * SAMPLES).allSatisfy(a -> assertThat(a.text()).isEqualTo("A"));
        } finally {
            server.stop();
        }
    }
}
