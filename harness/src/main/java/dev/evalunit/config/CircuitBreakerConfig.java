package dev.evalunit.config;

import java.time.Duration;

/**
 * The circuit breaker kept per model: after {@code failureThreshold} consecutive failed requests it
 * opens, fails requests at once for {@code openDelay}, then lets one trial request through. Immutable.
 *
 * @param failureThreshold consecutive failures that open the circuit, &gt; 0; default 5
 * @param openDelay        how long it stays open, &gt; 0; default 30s
 */
public record CircuitBreakerConfig(int failureThreshold, Duration openDelay) {

    public CircuitBreakerConfig {
        Checks.range("failureThreshold", failureThreshold, 1, Integer.MAX_VALUE);
        Checks.positive("openDelay", openDelay);
    }

    public static CircuitBreakerConfig defaults() {
        return new CircuitBreakerConfig(5, Duration.ofSeconds(30));
    }
}
