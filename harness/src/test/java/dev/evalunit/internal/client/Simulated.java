package dev.evalunit.internal.client;

import dev.evalunit.config.CircuitBreakerConfig;
import dev.evalunit.config.EvalConfig;
import dev.evalunit.config.OpenAIConfig;
import dev.evalunit.config.RateLimitConfig;
import dev.evalunit.config.RetryConfig;
import dev.evalunit.simulator.OpenAiSimulator;
import java.net.URI;
import java.time.Duration;
import java.util.OptionalLong;

/** Configuration of a client that talks to an {@link OpenAiSimulator}, for the integration tests. */
final class Simulated {

    static final String KEY = "sk-" + "test-simulated0123456789abcdef";
    static final String MODEL = "gpt-4o-mini";

    private Simulated() {
    }

    /**
     * A client configuration for {@code simulator}: fast retries (4 attempts, 1 to 20 ms), generous
     * fixed limits (so no learning phase with one request at a time), and a breaker that stays closed.
     */
    static EvalConfig config(OpenAiSimulator simulator) {
        return EvalConfig.defaults()
                .withOpenAI(new OpenAIConfig(KEY, URI.create(simulator.baseUrl()), null, null,
                        Duration.ofSeconds(2), Duration.ofSeconds(10)))
                .withRateLimit(limits(64))
                .withRetry(retries(4))
                .withCircuitBreaker(new CircuitBreakerConfig(100, Duration.ofSeconds(30)));
    }

    /** Limits far above anything a test sends, with {@code maxConcurrency} in flight. */
    static RateLimitConfig limits(int maxConcurrency) {
        return new RateLimitConfig(OptionalLong.of(600_000), OptionalLong.of(100_000_000), maxConcurrency, true);
    }

    /** {@code maxAttempts} attempts with waits of 1 to 20 ms. */
    static RetryConfig retries(int maxAttempts) {
        return new RetryConfig(maxAttempts, Duration.ofMillis(1), Duration.ofMillis(20), 0.25);
    }
}
