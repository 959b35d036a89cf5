package dev.evalunit.internal.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.evalunit.ChatRequest;
import dev.evalunit.CircuitOpenException;
import dev.evalunit.Completion;
import dev.evalunit.ErrorKind;
import dev.evalunit.InvalidRequestException;
import dev.evalunit.LlmException;
import dev.evalunit.ServiceUnavailableException;
import dev.evalunit.config.CircuitBreakerConfig;
import dev.evalunit.simulator.Latency;
import dev.evalunit.simulator.OpenAiSimulator;
import dev.evalunit.simulator.ReceivedRequest;
import dev.evalunit.simulator.SimulatorOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** The fallback model, the circuit breaker's recovery, and closing with requests queued. */
class ResilienceIntegrationTests {

    @AutoClose
    private OpenAiSimulator simulator;
    @AutoClose
    private ThrottledClient client;

    @Test
    void whenThePrimaryModelKeepsFailingTheFallbackModelAnswers() {
        // Given a primary whose every attempt fails with 500 (2 attempts), and a fallback model
        simulator = OpenAiSimulator.start(SimulatorOptions.defaults());
        client = ThrottledClient.create(Simulated.config(simulator)
                .withRetry(Simulated.retries(2))
                .withFallbackModel(Optional.of("gpt-4.1-mini")));
        simulator.failNext(2, 500, "server_error");

        Completion answer = client.generate(ChatRequest.user("hello"));

        assertThat(answer.model()).isEqualTo("gpt-4.1-mini");
        assertThat(answer.attempts()).isEqualTo(1);
        assertThat(simulator.requests().all()).extracting(ReceivedRequest::model, ReceivedRequest::status)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("gpt-4o-mini", 500),
                        org.assertj.core.groups.Tuple.tuple("gpt-4o-mini", 500),
                        org.assertj.core.groups.Tuple.tuple("gpt-4.1-mini", 200));
    }

    @Test
    void aPermanentFailureDoesNotFallBack() {
        simulator = OpenAiSimulator.start(SimulatorOptions.defaults());
        client = ThrottledClient.create(Simulated.config(simulator).withFallbackModel(Optional.of("gpt-4.1-mini")));
        simulator.failNext(1, 400, "invalid_value");

        assertThatThrownBy(() -> client.generate(ChatRequest.user("hello"))).isInstanceOf(InvalidRequestException.class);
        assertThat(simulator.requests().chatRequests()).isEqualTo(1);
    }

    @Test
    void requestsWaitForAnOpenBreakerAndAfterItsDelayAProbeClosesItAndAnswersThem() {
        // Given a breaker that opens after 2 server failures and stays open for 200 ms
        simulator = OpenAiSimulator.start(SimulatorOptions.defaults());
        client = ThrottledClient.create(Simulated.config(simulator)
                .withRetry(Simulated.retries(1))
                .withCircuitBreaker(new CircuitBreakerConfig(2, Duration.ofMillis(200))));
        simulator.failNext(2, 500, "server_error");
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> client.generate(ChatRequest.user("hi"))).isInstanceOf(ServiceUnavailableException.class);
        }

        // When more requests come while it is open
        List<CompletableFuture<Completion>> waiting = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            waiting.add(client.generateAsync(ChatRequest.user("during " + i)));
        }

        // Then they wait rather than fail: a probe closes the breaker after its delay and all are answered
        assertThat(waiting).allSatisfy(f -> assertThat(f.join().text()).isNotNull());
        assertThat(simulator.requests().chatRequests()).isEqualTo(2 + 5);
        assertThat(client.metrics().snapshot().errorsByKind()).doesNotContainKey(ErrorKind.CIRCUIT_OPEN);
    }

    @Test
    void withNoOutageBudgetAnOpenBreakerRejectsAtOnceAndAfterItsDelayAProbeClosesIt() throws InterruptedException {
        // Given a breaker that opens after 2 server failures, stays open for 200 ms, and no outage budget.
        // Failsafe's breaker has no injectable clock, so the test waits for real: it polls until a request
        // is let through, bounded by 5 s. That is waiting, not a timing assertion.
        simulator = OpenAiSimulator.start(SimulatorOptions.defaults());
        client = ThrottledClient.create(Simulated.config(simulator)
                .withRetry(Simulated.retries(1))
                .withCircuitBreaker(new CircuitBreakerConfig(2, Duration.ofMillis(200), Duration.ZERO)));
        simulator.failNext(2, 500, "server_error");
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> client.generate(ChatRequest.user("hi"))).isInstanceOf(ServiceUnavailableException.class);
        }
        assertThatThrownBy(() -> client.generate(ChatRequest.user("hi")))
                .isInstanceOfSatisfying(CircuitOpenException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CIRCUIT_OPEN));
        assertThat(simulator.requests().chatRequests()).isEqualTo(2);

        // When the delay has passed, a probe goes through and succeeds
        Completion probe = null;
        long giveUp = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        int rejected = 0;
        while (probe == null && System.nanoTime() < giveUp) {
            try {
                probe = client.generate(ChatRequest.user("probe"));
            } catch (CircuitOpenException stillOpen) {
                rejected++;
                Thread.sleep(20);
            }
        }

        // Then the breaker is closed: the probe and every later request are sent and answered
        assertThat(probe).as("a probe was let through within 5 s").isNotNull();
        for (int i = 0; i < 3; i++) {
            assertThat(client.generate(ChatRequest.user("after " + i)).attempts()).isEqualTo(1);
        }
        assertThat(simulator.requests().chatRequests()).isEqualTo(2 + 1 + 3);
        assertThat(client.metrics().snapshot().errorsByKind().get(ErrorKind.CIRCUIT_OPEN)).isEqualTo(1L + rejected);
    }

    @Test
    void closingLetsTheRequestInFlightFinishAndCancelsTheQueuedOnes() {
        // Given one request in flight (300 ms) and nine queued behind it (one at a time)
        simulator = OpenAiSimulator.start(SimulatorOptions.builder().latency(Latency.fixed(Duration.ofMillis(300))).build());
        client = ThrottledClient.create(Simulated.config(simulator).withRateLimit(Simulated.limits(1)));
        List<CompletableFuture<Completion>> answers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            answers.add(client.generateAsync(ChatRequest.user("Question " + i)));
        }
        awaitInFlight(1);

        // When the client is closed
        client.close();

        // Then the one in flight is answered, the rest fail as cancelled without being sent. Which one was in
        // flight is not always the first asked: the client's two scheduler threads start the first attempts, and
        // the one that reaches the empty throttle first is sent.
        List<Object> outcomes = answers.stream().map(f -> f.handle((answer, error) -> error == null ? answer
                : error.getCause())).map(CompletableFuture::join).toList();
        assertThat(outcomes).filteredOn(Completion.class::isInstance).singleElement()
                .satisfies(answer -> assertThat(((Completion) answer).text()).isNotBlank());
        assertThat(outcomes).filteredOn(o -> !(o instanceof Completion)).hasSize(9).allSatisfy(failure ->
                assertThat(failure).isInstanceOfSatisfying(LlmException.class,
                        e -> assertThat(e.kind()).isEqualTo(ErrorKind.CANCELLED)));
        assertThat(simulator.requests().chatRequests()).isEqualTo(1);
        // And nothing more is accepted
        assertThatThrownBy(() -> client.generateAsync(ChatRequest.user("late")).join())
                .cause().isInstanceOfSatisfying(LlmException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.CANCELLED);
                    assertThat(e.getMessage()).contains("closed");
                });
    }

    /** Waits (bounded by 5 s) until the simulator has received {@code count} chat requests. */
    private void awaitInFlight(int count) {
        long giveUp = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (simulator.requests().chatRequests() < count && System.nanoTime() < giveUp) {
            Thread.onSpinWait();
        }
        assertThat(simulator.requests().chatRequests()).isEqualTo(count);
    }
}
