package dev.evalunit.config;

import static org.apiguardian.api.API.Status.STABLE;

import java.time.Duration;
import org.apiguardian.api.API;

/**
 * The circuit breaker kept per model: after {@code failureThreshold} consecutive server failures it
 * opens; while it is open requests wait (they are not failed) for {@code openDelay}, then one trial
 * request goes through and decides: an answer closes it and the waiting requests go, a failure opens
 * it again. A request gives up with an error only when it has waited for an open circuit longer than
 * {@code outageBudget}, so a short outage costs time, not results. Immutable.
 *
 * @param failureThreshold consecutive failures that open the circuit, &gt; 0; default 5
 * @param openDelay        how long it stays open before a trial request, &gt; 0; default 30s
 * @param outageBudget     how long a request may wait for an open circuit before it fails, &gt;= 0
 *                         (0 fails at once, as a classic breaker does); default 5m
 */
@API(status = STABLE, since = "0.1")
public record CircuitBreakerConfig(int failureThreshold, Duration openDelay, Duration outageBudget) {

    public static final Duration DEFAULT_OUTAGE_BUDGET = Duration.ofMinutes(5);

    public CircuitBreakerConfig {
        Checks.range("failureThreshold", failureThreshold, 1, Integer.MAX_VALUE);
        Checks.positive("openDelay", openDelay);
        Checks.nonNegative("outageBudget", outageBudget);
    }

    /** A breaker with the default outage budget. */
    public CircuitBreakerConfig(int failureThreshold, Duration openDelay) {
        this(failureThreshold, openDelay, DEFAULT_OUTAGE_BUDGET);
    }

    public static CircuitBreakerConfig defaults() {
        return new CircuitBreakerConfig(5, Duration.ofSeconds(30));
    }

    public CircuitBreakerConfig withOutageBudget(Duration outageBudget) {
        return new CircuitBreakerConfig(failureThreshold, openDelay, outageBudget);
    }
}
