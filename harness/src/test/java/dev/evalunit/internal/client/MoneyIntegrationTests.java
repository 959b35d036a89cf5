package dev.evalunit.internal.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.evalunit.ChatRequest;
import dev.evalunit.Completion;
import dev.evalunit.ErrorKind;
import dev.evalunit.ServiceUnavailableException;
import dev.evalunit.config.EvalConfig;
import dev.evalunit.config.ModelPrice;
import dev.evalunit.config.OpenAIConfig;
import dev.evalunit.config.PriceTable;
import dev.evalunit.simulator.Latency;
import dev.evalunit.simulator.OpenAiSimulator;
import dev.evalunit.simulator.SimulatorOptions;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * Money is counted as the provider counts it: a timed-out attempt may have been billed, an answer
 * without usage was billed all the same, and the budget cap holds for what the server billed.
 */
class MoneyIntegrationTests {

    private static final ChatRequest REQUEST = ChatRequest.user("What is the capital of Australia?").maxTokens(20);
    private static final ModelPrice PRICE = PriceTable.defaults().forModel("gpt-4o-mini").orElseThrow();

    @AutoClose
    private OpenAiSimulator simulator;
    @AutoClose
    private ThrottledClient client;

    /** A client whose requests time out after {@code timeout}. */
    private static EvalConfig config(OpenAiSimulator simulator, Duration timeout) {
        return Simulated.config(simulator).withOpenAI(new OpenAIConfig(Simulated.KEY, URI.create(simulator.baseUrl()),
                null, null, Duration.ofSeconds(2), timeout));
    }

    private static double estimate(ChatRequest request) {
        return PRICE.cost(TokenEstimator.shared().countMessages("gpt-4o-mini", request.messages()), 0,
                request.maxTokens(), false);
    }

    /** What the simulator billed: every answer it generated, read by the client or not. */
    private double billedUsd() {
        return PRICE.cost(simulator.requests().billedPromptTokens(), 0, simulator.requests().billedCompletionTokens(),
                false);
    }

    @Test
    void anAttemptThatTimedOutCountsAsPossiblySpentAndIsResentOnlySoOften() {
        // Given a server slower than the client's timeout, and at most one resend of a timed-out request
        simulator = OpenAiSimulator.start(SimulatorOptions.builder().latency(Latency.fixed(Duration.ofMillis(600))).build());
        client = ThrottledClient.create(config(simulator, Duration.ofMillis(150))
                .withRetry(Simulated.retries(6).withTimeoutResends(1)));

        // When one request is asked for
        assertThatThrownBy(() -> client.generate(REQUEST))
                .isInstanceOfSatisfying(ServiceUnavailableException.class, e -> {
                    // Then it was sent twice (not six times), and both attempts count as possibly billed
                    assertThat(e.kind()).isEqualTo(ErrorKind.TIMEOUT);
                    assertThat(e.attempts()).isEqualTo(2);
                });
        assertThat(simulator.requests().chatRequests()).isEqualTo(2);
        assertThat(client.budget().possiblySpentAttempts()).isEqualTo(2);
        assertThat(client.budget().possiblySpentUsd()).isEqualTo(2 * estimate(REQUEST), within(1e-12));
        assertThat(client.budget().spentUsd()).isEqualTo(client.budget().possiblySpentUsd(), within(1e-12));
    }

    @Test
    void anAnswerWithoutUsageIsPricedFromItsCountedTokens() {
        simulator = OpenAiSimulator.start(SimulatorOptions.builder().usageOmittedShare(1).build());
        client = ThrottledClient.create(Simulated.config(simulator));

        Completion answer = client.generate(REQUEST);

        int prompt = TokenEstimator.shared().countMessages("gpt-4o-mini", REQUEST.messages());
        assertThat(answer.promptTokens()).isEqualTo(prompt);
        assertThat(answer.completionTokens()).isEqualTo(TokenEstimator.shared().countText("gpt-4o-mini", answer.text()));
        assertThat(answer.costUsd()).isGreaterThan(0).isEqualTo(PRICE.cost(prompt, 0, answer.completionTokens(), false));
        assertThat(client.budget().spentUsd()).isEqualTo(answer.costUsd());
        assertThat(billedUsd()).isEqualTo(answer.costUsd(), within(1e-12));
    }

    @Test
    void theCapHoldsForWhatTheServerBilledWithTimeoutsAndAnswersWithoutUsage() {
        // Given a server where one answer in ten outlasts the client's timeout and three in ten carry no
        // usage, 16 requests in flight, and a cap worth about 100 requests
        simulator = OpenAiSimulator.start(SimulatorOptions.builder().latency(Latency.fixed(Duration.ofMillis(20)))
                .slowShare(0.1).slowLatency(Duration.ofMillis(800)).usageOmittedShare(0.3).faultSeed(7).build());
        int inFlight = 16;
        double cap = 100 * estimate(REQUEST);
        client = ThrottledClient.create(config(simulator, Duration.ofMillis(300))
                .withRateLimit(Simulated.limits(inFlight)).withBudgetUsd(OptionalDouble.of(cap)));

        // When far more is asked for than the cap allows
        List<CompletableFuture<Completion>> answers = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            answers.add(client.generateAsync(REQUEST.temperature(1.0).seed(i)));
        }
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
        sleepPast(Duration.ofMillis(800)); // the slow answers the client gave up on are generated, and billed, too

        // Then the budget stopped the run, and the server billed at most the cap plus the requests in flight
        assertThat(answers).anySatisfy(a -> assertThat(a).isCompletedExceptionally());
        assertThat(client.metrics().snapshot().errorsByKind()).containsKey(ErrorKind.BUDGET_EXCEEDED);
        assertThat(billedUsd()).isLessThanOrEqualTo(cap + inFlight * estimate(REQUEST));
    }

    private static void sleepPast(Duration d) {
        try {
            Thread.sleep(d.toMillis() + 100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
