package dev.evalunit.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evalunit.ChatRequest;
import dev.evalunit.Completion;
import dev.evalunit.client.ClientListener;
import dev.evalunit.config.RateLimitConfig;
import dev.evalunit.simulator.OpenAiSimulator;
import dev.evalunit.simulator.SimulatorOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** The client's throttle against a simulator that enforces OpenAI-style per-minute limits. */
class RateLimitIntegrationTests {

    @AutoClose
    private OpenAiSimulator simulator;
    @AutoClose
    private ThrottledClient client;
    private final List<ClientListener.RateLimited> rateLimited = new CopyOnWriteArrayList<>();

    private void start(SimulatorOptions options, RateLimitConfig limits) {
        simulator = OpenAiSimulator.start(options);
        client = ThrottledClient.builder(Simulated.config(simulator).withRateLimit(limits))
                .listener(new ClientListener() {
                    @Override
                    public void onRateLimited(RateLimited event) {
                        rateLimited.add(event);
                    }
                })
                .build();
    }

    private List<Completion> sendAtOnce(int count) {
        List<CompletableFuture<Completion>> answers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            answers.add(client.generateAsync(ChatRequest.user("Question " + i)));
        }
        return answers.stream().map(CompletableFuture::join).toList();
    }

    @Test
    void aClientConfiguredWithTheServersLimitPacesItsRequestsSoNoneIsRefused() {
        // Given a server allowing 600 RPM, enforced per second (10 at once, then one per 100 ms)
        // and a client configured with the same 600 RPM
        start(SimulatorOptions.builder().requestsPerMinute(600).burst(Duration.ofSeconds(1)).build(),
                new RateLimitConfig(OptionalLong.of(600), OptionalLong.of(10_000_000), 8, true));

        // When 30 requests are submitted at once
        List<Completion> answers = sendAtOnce(30);

        // Then the client spaced them out: the server never had to refuse one
        assertThat(answers).hasSize(30).allSatisfy(c -> assertThat(c.attempts()).isEqualTo(1));
        assertThat(simulator.requests().rateLimited()).isZero();
        assertThat(simulator.requests().chatRequests()).isEqualTo(30);
        assertThat(client.metrics().snapshot().rateLimited()).isZero();
    }

    @Test
    void aClientWithoutConfiguredLimitsLearnsThemFromTheFirstResponse() {
        // Given a client that knows no limits, against a server allowing 600 RPM and 100,000 TPM
        start(SimulatorOptions.builder().requestsPerMinute(600).tokensPerMinute(100_000).build(),
                new RateLimitConfig(OptionalLong.empty(), OptionalLong.empty(), 8, true));
        assertThat(client.throttle("gpt-4o-mini").requestsPerMinute()).isZero();

        // When one request has been answered
        client.generate(ChatRequest.user("hello"));

        // Then the throttle uses the limits the headers advertised
        assertThat(client.throttle("gpt-4o-mini").requestsPerMinute()).isEqualTo(600.0);
        assertThat(client.throttle("gpt-4o-mini").tokensPerMinute()).isEqualTo(100_000.0);
        assertThat(client.throttle("gpt-4o-mini").concurrencyLimit()).isEqualTo(8);

        // And later requests all succeed under them
        assertThat(sendAtOnce(20)).hasSize(20);
    }

    @Test
    void aClientWithoutConfiguredLimitsIsNotRefusedOnceItHasLearnedThem() {
        // Given a client that learned the server's 600 RPM (10 per second) from one answer
        start(SimulatorOptions.builder().requestsPerMinute(600).build(),
                new RateLimitConfig(OptionalLong.empty(), OptionalLong.empty(), 8, true));
        client.generate(ChatRequest.user("hello"));

        // When a burst follows at once
        sendAtOnce(20);

        // Then the throttle's learned bucket, not the server, held the burst back
        assertThat(simulator.requests().rateLimited()).isZero();
    }

    @Test
    void a429IsRetriedCountedReportedAndHalvesTheConcurrency() {
        start(SimulatorOptions.defaults(), Simulated.limits(8));
        client.generate(ChatRequest.user("the probe"));
        assertThat(client.throttle("gpt-4o-mini").concurrencyLimit()).isEqualTo(8);
        simulator.failNext(1, 429, "rate_limit_exceeded");

        Completion answer = client.generate(ChatRequest.user("hello"));

        assertThat(answer.attempts()).isEqualTo(2);
        assertThat(client.metrics().snapshot().rateLimited()).isEqualTo(1);
        assertThat(client.metrics().snapshot().retries()).isEqualTo(1);
        assertThat(rateLimited).singleElement().satisfies(e -> {
            assertThat(e.model()).isEqualTo("gpt-4o-mini");
            assertThat(e.attempt()).isEqualTo(1);
            // The simulator's scripted 429 says retry-after-ms: 100.
            assertThat(e.retryAfter()).isEqualTo(Duration.ofMillis(100));
            assertThat(e.requestId()).startsWith("req_");
        });
        assertThat(client.throttle("gpt-4o-mini").concurrencyLimit()).isLessThan(8);
        assertThat(simulator.requests().rateLimited()).isEqualTo(1);
        assertThat(simulator.requests().chatRequests()).isEqualTo(1 + 2);
    }

    @Test
    void a429WithoutRetryAfterWaitsWhatItsMessageSaysNotTheResetOfItsHeaders() {
        start(SimulatorOptions.builder().retryAfter(false).build(), Simulated.limits(8));
        client.generate(ChatRequest.user("the probe"));
        // as an account near a daily cap answers: the window is full again in 17 hours, this request may go in 100 ms
        simulator.failNext(1, 429, "rate_limit_exceeded",
                Map.of("x-ratelimit-reset-requests", "17h2m3s", "x-ratelimit-reset-tokens", "6m0s"));

        Completion answer = client.generate(ChatRequest.user("hello"));

        assertThat(answer.attempts()).isEqualTo(2);
        // "... Please try again in 100ms." is the simulator's scripted message; it sends no retry-after here
        assertThat(rateLimited).singleElement().satisfies(e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofMillis(100)));
    }

    @Test
    void againstAServerWhose429sCarryNoRetryAfterEveryRequestIsAnsweredWaitingOneRequestsShare() {
        // Given a server allowing 600 RPM as one request per 100 ms, none at once, whose 429s say when in their
        // message only; the client's bucket lets a second of it go at once, so its bursts meet the server's
        start(SimulatorOptions.builder().requestsPerMinute(600).burst(Duration.ofMillis(100)).retryAfter(false).build(),
                new RateLimitConfig(OptionalLong.empty(), OptionalLong.empty(), 32, true));

        List<Completion> answers = sendAtOnce(60);

        assertThat(answers).hasSize(60);
        assertThat(simulator.requests().rateLimited()).as("the first burst was refused in part").isPositive();
        // each refused request waited its own share of the window, at most 100 ms, never the bucket's refill
        assertThat(rateLimited).isNotEmpty().allSatisfy(e -> assertThat(e.retryAfter())
                .isNotNull().isLessThanOrEqualTo(Duration.ofMillis(100)));
    }
}
