package dev.evalunit.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evalunit.ChatRequest;
import dev.evalunit.Completion;
import dev.evalunit.LlmException;
import dev.evalunit.NotSentException;
import dev.evalunit.config.CircuitBreakerConfig;
import dev.evalunit.config.EvalConfig;
import dev.evalunit.config.OpenAIConfig;
import dev.evalunit.config.RateLimitConfig;
import dev.evalunit.simulator.Latency;
import dev.evalunit.simulator.OpenAiSimulator;
import dev.evalunit.simulator.SimulatorOptions;
import dev.evalunit.testing.Logs;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * A failure that every request of a model (or of a shape of them) would meet again stops them: the
 * requests in flight finish, the queued ones end as not sent, and the client says why and how to go on.
 */
class FatalStopIntegrationTests {

    @AutoClose
    private OpenAiSimulator simulator;
    @AutoClose
    private ThrottledClient client;

    /** A client allowed 64 in flight from the first request on (limits configured, nothing to learn). */
    private void start(SimulatorOptions options) {
        simulator = OpenAiSimulator.start(options);
        client = ThrottledClient.create(Simulated.config(simulator).withRateLimit(Simulated.limits(64)));
    }

    private List<CompletableFuture<Completion>> send(int n, Function<Integer, ChatRequest> request) {
        List<CompletableFuture<Completion>> answers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            answers.add(client.generateAsync(request.apply(i)));
        }
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
        return answers;
    }

    /** How many answers ended each way: {@code answered}, or the error kind. */
    private static Map<String, Long> outcomes(List<CompletableFuture<Completion>> answers) {
        return answers.stream().collect(Collectors.groupingBy(f -> f.handle((c, e) -> e == null ? ANSWERED
                : ((LlmException) Failures.unwrap(e)).kind().name()).join(), Collectors.counting()));
    }

    private static final String ANSWERED = "answered";

    private static Throwable failure(CompletableFuture<Completion> answer) {
        return answer.handle((c, e) -> Failures.unwrap(e)).join();
    }

    @Test
    void anExhaustedQuotaIsMetByOneRequestAndTheRestAreNotSent() {
        // Given a server whose account has no quota, and 64 requests allowed in flight
        start(SimulatorOptions.builder().insufficientQuota(true).build());

        // When 500 requests are asked for at once
        List<CompletableFuture<Completion>> answers = send(500, i -> ChatRequest.user("Question " + i));

        // Then one probe met the quota, and nothing else was sent
        assertThat(simulator.requests().chatRequests()).isEqualTo(1);
        assertThat(outcomes(answers)).containsOnly(Map.entry("QUOTA_EXHAUSTED", 1L),
                Map.entry("NOT_SENT", 499L));
        assertThat(failure(answers.get(499))).isInstanceOf(NotSentException.class)
                .hasMessageStartingWith("not sent from gpt-4o-mini: requests to gpt-4o-mini were stopped after quota "
                        + "exhausted (HTTP 429)");
        assertThat(client.stops()).singleElement().satisfies(stop -> {
            assertThat(stop.notSent()).isEqualTo(499);
            assertThat(stop.shape()).isNull();
            assertThat(stop.describe()).contains("requests to gpt-4o-mini were stopped after quota exhausted",
                    "499 requests were not sent", "add credit", "run the same command again");
        });

        // And a later request is refused without a word to the server
        assertThat(client.generateAsync(ChatRequest.user("later"))).isCompletedExceptionally();
        assertThat(simulator.requests().chatRequests()).isEqualTo(1);
    }

    @Test
    void aQuotaErrorInTheMiddleOfARunLetsTheRequestsInFlightFinishAndStopsTheQueue() {
        // Given a run under way: answers take 100 ms, 8 in flight
        simulator = OpenAiSimulator.start(SimulatorOptions.builder().latency(Latency.fixed(Duration.ofMillis(100))).build());
        client = ThrottledClient.create(Simulated.config(simulator).withRateLimit(Simulated.limits(8)));
        client.generate(ChatRequest.user("warm up"));

        // When the quota runs out after 20 more answers
        List<CompletableFuture<Completion>> answers = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            answers.add(client.generateAsync(ChatRequest.user("Question " + i)));
        }
        while (simulator.requests().served200() < 21) {
            Thread.onSpinWait();
        }
        simulator.reconfigure(simulator.options().toBuilder().insufficientQuota(true).build());
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();

        // Then what was sent is answered or met the quota (at most the 8 in flight), and the rest was not sent
        Map<String, Long> outcomes = outcomes(answers);
        long sent = simulator.requests().chatRequests() - 1;
        assertThat(outcomes.get("QUOTA_EXHAUSTED")).isBetween(1L, 8L);
        assertThat(outcomes.getOrDefault(ANSWERED, 0L) + outcomes.get("QUOTA_EXHAUSTED"))
                .isEqualTo(sent);
        assertThat(outcomes.get("NOT_SENT")).isEqualTo(200 - sent);
    }

    @Test
    void aWrongKeyStopsTheModel() {
        start(SimulatorOptions.defaults());
        simulator.failNext(1_000, 401, "invalid_api_key");

        List<CompletableFuture<Completion>> answers = send(100, i -> ChatRequest.user("Question " + i));

        assertThat(simulator.requests().chatRequests()).isEqualTo(1);
        assertThat(outcomes(answers)).containsOnly(Map.entry("AUTHENTICATION", 1L),
                Map.entry("NOT_SENT", 99L));
        assertThat(client.stops()).singleElement().satisfies(s -> assertThat(s.advice()).contains("check the API key"));
    }

    @Test
    void anUnknownModelStopsThatModelOnly() {
        start(SimulatorOptions.builder().unknownModels("gpt-9").build());

        List<CompletableFuture<Completion>> answers = send(100, i -> ChatRequest.user("Question " + i)
                .model(i % 2 == 0 ? "gpt-9" : "gpt-4o-mini"));

        assertThat(simulator.requests().count(r -> "gpt-9".equals(r.model()))).isEqualTo(1);
        assertThat(outcomes(answers)).containsOnly(Map.entry("INVALID_REQUEST", 1L),
                Map.entry("NOT_SENT", 49L), Map.entry(ANSWERED, 50L));
        assertThat(client.stops()).singleElement().satisfies(stop -> {
            assertThat(stop.model()).isEqualTo("gpt-9");
            assertThat(stop.advice()).contains("check the model name");
        });
    }

    @Test
    void anUnsupportedTemperatureStopsRequestsOfThatTemperatureOnly() {
        // Given a reasoning model, which takes only the default temperature
        start(SimulatorOptions.builder().reasoningModels("o3-mini").build());

        // When requests at temperatures 0.5 and 1.0 are asked for
        List<CompletableFuture<Completion>> answers = send(100, i -> ChatRequest.user("Question " + i)
                .model("o3-mini").temperature(i % 2 == 0 ? 0.5 : 1.0));

        // Then one request at 0.5 met the error, the other 49 were not sent, and every 1.0 was answered
        assertThat(simulator.requests().chatRequests()).isEqualTo(51);
        assertThat(outcomes(answers)).containsOnly(Map.entry("INVALID_REQUEST", 1L),
                Map.entry("NOT_SENT", 49L), Map.entry(ANSWERED, 50L));
        assertThat(client.stops()).singleElement().satisfies(stop -> {
            assertThat(stop.shape()).isEqualTo("temperature=0.5");
            assertThat(stop.scope()).isEqualTo("o3-mini with temperature=0.5");
            assertThat(stop.cause().errorCode()).isEqualTo("unsupported_value");
        });
    }

    @Test
    void aServerThatWasNeverReachedStopsTheModelOnceItsBreakerOpens() throws Exception {
        // Given a base URL on a port where nothing listens
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        client = ThrottledClient.create(EvalConfig.defaults()
                .withOpenAI(new OpenAIConfig(Simulated.KEY, URI.create("http://127.0.0.1:" + port + "/v1"), null, null,
                        Duration.ofSeconds(1), Duration.ofSeconds(2)))
                .withRateLimit(new RateLimitConfig(OptionalLong.of(600_000), OptionalLong.of(100_000_000), 64, true))
                .withRetry(Simulated.retries(6))
                .withCircuitBreaker(new CircuitBreakerConfig(5, Duration.ofSeconds(30))));

        // When 50 requests are asked for
        Logs.Captured<List<CompletableFuture<Completion>>> sent = Logs.capture("dev.evalunit", Level.WARNING,
                () -> send(50, i -> ChatRequest.user("Question " + i)));
        List<CompletableFuture<Completion>> answers = sent.value();

        // Then the five refused connections that open the breaker (one request at a time, as nothing ever
        // answered) stop the model: nobody waits out an "outage" of a server that was never there. Those of
        // the five still waiting for a retry then are not sent again.
        Map<String, Long> outcomes = outcomes(answers);
        assertThat(outcomes).containsOnlyKeys("CONNECTION", "NOT_SENT");
        assertThat(outcomes.get("CONNECTION")).isBetween(1L, 5L);
        assertThat(outcomes.get("NOT_SENT")).isEqualTo(50 - outcomes.get("CONNECTION"));
        assertThat(client.stops()).singleElement().satisfies(s -> assertThat(s.advice())
                .contains("check evalunit.openai.base-url (http://127.0.0.1:" + port + "/v1)", "no request ever reached"));
        // and the warning names the refusal and the address, not "server failures" (the model stops when as many
        // refused connections as open the breaker came back, before a sixth request can be sent to nowhere)
        assertThat(sent.records()).map(LogRecord::getMessage).filteredOn(m -> m.startsWith("no more requests to"))
                .singleElement().asString()
                .contains("ConnectException", "check evalunit.openai.base-url (http://127.0.0.1:" + port + "/v1)",
                        "no request ever reached the server")
                .doesNotContain("server failures");
    }
}
