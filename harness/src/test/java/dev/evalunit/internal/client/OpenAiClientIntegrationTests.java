package dev.evalunit.internal.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.evalunit.ChatRequest;
import dev.evalunit.Completion;
import dev.evalunit.ErrorKind;
import dev.evalunit.Priority;
import dev.evalunit.QuotaExhaustedException;
import dev.evalunit.config.ModelPrice;
import dev.evalunit.config.PriceTable;
import dev.evalunit.simulator.Latency;
import dev.evalunit.simulator.OpenAiSimulator;
import dev.evalunit.simulator.SimulatorOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** The shared client end to end against the in-process simulator: what a completion carries, and how requests flow. */
class OpenAiClientIntegrationTests {

    @AutoClose
    private OpenAiSimulator simulator;
    @AutoClose
    private ThrottledClient client;

    private ThrottledClient start(SimulatorOptions options) {
        simulator = OpenAiSimulator.start(options);
        client = ThrottledClient.create(Simulated.config(simulator));
        return client;
    }

    @Test
    void aCompletionCarriesWhatTheServerReportedAndWhatItCost() {
        start(SimulatorOptions.defaults());
        ChatRequest request = ChatRequest.of("Answer briefly.", "What is the capital of Australia?");

        Completion c = client.generate(request);

        assertThat(c.text()).isNotBlank();
        assertThat(c.choices()).containsExactly(c.text());
        assertThat(c.model()).isEqualTo("gpt-4o-mini");
        assertThat(c.finishReason()).isEqualTo("stop");
        // The simulator bills prompts the way TokenEstimator counts them, and completions as their text.
        TokenEstimator tokens = TokenEstimator.shared();
        assertThat(c.promptTokens()).isEqualTo(tokens.countMessages("gpt-4o-mini", request.messages()));
        assertThat(c.completionTokens()).isEqualTo(tokens.countText("gpt-4o-mini", c.text())).isPositive();
        assertThat(c.cachedTokens()).isZero();
        assertThat(c.requestId()).startsWith("req_");
        assertThat(c.systemFingerprint()).isEqualTo("fp_simulator");
        ModelPrice price = PriceTable.defaults().forModel("gpt-4o-mini").orElseThrow();
        assertThat(c.costUsd()).isPositive()
                .isCloseTo(price.cost(c.promptTokens(), 0, c.completionTokens(), false), within(1e-12));
        assertThat(c.attempts()).isEqualTo(1);
        assertThat(c.logprobs()).isEmpty();
        assertThat(c.latency()).isGreaterThanOrEqualTo(Duration.ZERO);
        assertThat(c.elapsed()).isGreaterThanOrEqualTo(Duration.ZERO).isGreaterThanOrEqualTo(c.latency());
    }

    @Test
    void aPromptOverTheModelsContextWindowIsRefusedBeforeItIsSent() {
        start(SimulatorOptions.defaults());
        String huge = "word ".repeat(140_000); // about 140,000 tokens; gpt-4o-mini takes 128,000

        assertThatThrownBy(() -> client.generate(ChatRequest.user(huge).model("gpt-4o-mini").maxTokens(20)))
                .isInstanceOf(dev.evalunit.InvalidRequestException.class)
                .hasMessageContaining("the prompt of ").hasMessageContaining(" tokens and max_tokens 20 is over "
                        + "gpt-4o-mini's context window of 128,000 tokens (evalunit.models.gpt-4o-mini.context-window "
                        + "to change it): it was not sent");
        assertThat(simulator.requests().chatRequests()).isZero();
        // a dated snapshot has its model's window; a model nobody knows has none to be over
        assertThat(client.generate(ChatRequest.user("word ".repeat(1_000)).model("gpt-4o-mini-2024-07-18")).text())
                .isNotBlank();
    }

    @Test
    void nAboveOneGivesThatManyChoices() {
        start(SimulatorOptions.defaults());

        Completion c = client.generate(ChatRequest.user("Name a colour.").temperature(1.0).n(3));

        assertThat(c.choices()).hasSize(3).allSatisfy(choice -> assertThat(choice).isNotBlank());
        assertThat(c.text()).isEqualTo(c.choices().get(0));
        // Usage covers every choice, not only the first.
        TokenEstimator tokens = TokenEstimator.shared();
        assertThat(c.completionTokens()).isEqualTo(
                c.choices().stream().mapToInt(choice -> tokens.countText("gpt-4o-mini", choice)).sum());
    }

    @Test
    void logprobsComeWithTheRequestedAlternativesPerToken() {
        start(SimulatorOptions.defaults());

        Completion c = client.generate(ChatRequest.user("Say something.").logprobs(3));

        assertThat(c.logprobs()).hasSize(c.completionTokens());
        assertThat(String.join("", c.logprobs().stream().map(Completion.TokenLogprob::token).toList()))
                .isEqualTo(c.text());
        assertThat(c.logprobs()).allSatisfy(t -> {
            assertThat(t.logprob()).isLessThanOrEqualTo(0.0);
            assertThat(t.top()).hasSize(3);
            assertThat(t.top().get(0).token()).isEqualTo(t.token());
        });
    }

    @Test
    void theSameSeedGivesTheSameAnswerThroughTheClient() {
        start(SimulatorOptions.defaults());
        ChatRequest request = ChatRequest.user("Tell me something.").temperature(1.0);

        List<String> seven = new ArrayList<>();
        List<String> unseeded = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            seven.add(client.generate(request.seed(7)).text());
            unseeded.add(client.generate(request).text());
        }

        assertThat(seven).containsOnly(seven.get(0));
        // Without a seed at temperature 1 the answers vary, so the equality above is the seed's doing.
        assertThat(Set.copyOf(unseeded)).hasSizeGreaterThan(1);
    }

    @Test
    void twoHundredConcurrentRequestsAllSucceedWithOneRequestEach() {
        start(SimulatorOptions.builder().latency(Latency.fixed(Duration.ofMillis(20))).build());

        List<CompletableFuture<Completion>> answers = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            answers.add(client.generateAsync(ChatRequest.user("Question " + i)));
        }
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).join();

        assertThat(answers).allSatisfy(a -> assertThat(a.join().attempts()).isEqualTo(1));
        assertThat(simulator.requests().chatRequests()).isEqualTo(200);
        assertThat(client.metrics().snapshot().succeeded()).isEqualTo(200);
    }

    @Test
    void queuedUrgentRequestsAreAnsweredBeforeBackgroundRequestsSubmittedEarlier() {
        simulator = OpenAiSimulator.start(SimulatorOptions.builder().latency(Latency.fixed(Duration.ofMillis(100))).build());
        client = ThrottledClient.create(Simulated.config(simulator).withRateLimit(Simulated.limits(1)));
        List<String> order = new CopyOnWriteArrayList<>();
        List<CompletableFuture<?>> all = new ArrayList<>();

        // Given one request in flight, so everything after it queues
        all.add(client.generateAsync(ChatRequest.user("first")).thenRun(() -> order.add("first")));
        // When background work is queued before urgent work
        for (int i = 0; i < 3; i++) {
            String name = "background-" + i;
            all.add(client.generateAsync(ChatRequest.user(name).priority(Priority.BACKGROUND))
                    .thenRun(() -> order.add(name)));
        }
        for (int i = 0; i < 3; i++) {
            String name = "urgent-" + i;
            all.add(client.generateAsync(ChatRequest.user(name).priority(Priority.URGENT))
                    .thenRun(() -> order.add(name)));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();

        // Then the urgent ones jump the queue, and each priority keeps its own submission order
        assertThat(order).containsExactly("first", "urgent-0", "urgent-1", "urgent-2",
                "background-0", "background-1", "background-2");
    }

    @Test
    void insufficientQuotaFailsAtOnceWithoutRetrying() {
        start(SimulatorOptions.builder().insufficientQuota(true).build());

        assertThatThrownBy(() -> client.generate(ChatRequest.user("hi")))
                .isInstanceOfSatisfying(QuotaExhaustedException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.QUOTA_EXHAUSTED);
                    assertThat(e.httpStatus()).isEqualTo(429);
                    assertThat(e.attempts()).isEqualTo(1);
                    assertThat(e.requestId()).startsWith("req_");
                });
        assertThat(simulator.requests().chatRequests()).isEqualTo(1);
    }
}
