package dev.evalunit.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evalunit.ChatRequest;
import dev.evalunit.CircuitOpenException;
import dev.evalunit.Completion;
import dev.evalunit.ErrorKind;
import dev.evalunit.config.CircuitBreakerConfig;
import dev.evalunit.config.RetryConfig;
import dev.evalunit.simulator.Latency;
import dev.evalunit.simulator.OpenAiSimulator;
import dev.evalunit.simulator.SimulatorOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** An outage costs time, not results: requests wait for the circuit, within the outage budget. */
class OutageIntegrationTests {

    @AutoClose
    private OpenAiSimulator simulator;
    @AutoClose
    private ThrottledClient client;

    @Test
    void everyRequestIsAnsweredWhenTheServerFailsEverythingForAWhileInTheMiddleOfARun() {
        // Given a run of 500 requests, 20 ms each, 16 in flight, with the default breaker's shape (5 failures
        // in a row open it) but a 500 ms open delay, and the default six attempts with fast backoff
        simulator = OpenAiSimulator.start(SimulatorOptions.builder().latency(Latency.fixed(Duration.ofMillis(20))).build());
        client = ThrottledClient.create(Simulated.config(simulator)
                .withRateLimit(Simulated.limits(16))
                .withRetry(new RetryConfig(6, Duration.ofMillis(10), Duration.ofMillis(100), 0.25))
                .withCircuitBreaker(new CircuitBreakerConfig(5, Duration.ofMillis(500))));
        List<CompletableFuture<Completion>> answers = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            answers.add(client.generateAsync(ChatRequest.user("Question " + i)));
        }

        // When every request fails with a 500 for 2 s, after 100 answers
        while (simulator.requests().served200() < 100) {
            Thread.onSpinWait();
        }
        SimulatorOptions normal = simulator.options();
        simulator.reconfigure(normal.toBuilder().serverErrorShare(1).build());
        sleep(Duration.ofSeconds(2));
        long failedDuringOutage = simulator.requests().count(r -> r.isChat() && r.status() == 500);
        simulator.reconfigure(normal);

        // Then the outage was met (retries exhausted their six attempts), yet every request is answered
        assertThat(failedDuringOutage).isGreaterThanOrEqualTo(5);
        assertThat(answers).allSatisfy(answer -> assertThat(answer.join().text()).isNotNull());
        assertThat(client.metrics().snapshot().failed()).isZero();
    }

    @Test
    void anOutageLongerThanTheBudgetFailsTheRequestsThatWaitedForIt() {
        // Given a breaker with a 300 ms outage budget and a server that fails everything
        simulator = OpenAiSimulator.start(SimulatorOptions.defaults());
        client = ThrottledClient.create(Simulated.config(simulator)
                .withRetry(Simulated.retries(2))
                .withCircuitBreaker(new CircuitBreakerConfig(2, Duration.ofMillis(100), Duration.ofMillis(300))));
        client.generate(ChatRequest.user("the probe"));
        simulator.reconfigure(simulator.options().toBuilder().serverErrorShare(1).build());

        // When requests come during the outage
        List<CompletableFuture<Completion>> answers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            answers.add(client.generateAsync(ChatRequest.user("Question " + i)));
        }
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();

        // Then each failed, the ones that waited for the circuit saying how long they waited
        assertThat(answers).allSatisfy(a -> assertThat(a).isCompletedExceptionally());
        assertThat(client.metrics().snapshot().errorsByKind()).containsKey(ErrorKind.CIRCUIT_OPEN);
        assertThat(answers.stream().map(a -> a.handle((c, e) -> Failures.unwrap(e)).join())
                .filter(e -> e instanceof CircuitOpenException).findFirst().orElseThrow())
                .hasMessageContaining("waited 300ms (evalunit.circuit-breaker.outage-budget)");
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
