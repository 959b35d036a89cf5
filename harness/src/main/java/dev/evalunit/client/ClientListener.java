package dev.evalunit.client;

import static org.apiguardian.api.API.Status.STABLE;

import dev.evalunit.Completion;
import dev.evalunit.LlmException;
import dev.evalunit.Priority;
import java.time.Duration;
import org.apiguardian.api.API;

/**
 * Hooks for custom logging and monitoring of the shared client. Every method has an empty default,
 * so a listener overrides only what it needs. Methods are called on the client's I/O threads: keep
 * them quick. A listener that throws is logged once and never breaks a request.
 */
@API(status = STABLE, since = "0.1")
public interface ClientListener {

    /** An attempt left the throttle and is on the wire. */
    default void onRequestSent(RequestSent event) {
    }

    /** An attempt came back with an answer. */
    default void onResponse(ResponseReceived event) {
    }

    /** An attempt failed with a retryable error; another follows after {@code delay}. */
    default void onRetry(RetryScheduled event) {
    }

    /** The server answered 429 {@code rate_limit_exceeded}; the model pauses for {@code retryAfter}. */
    default void onRateLimited(RateLimited event) {
    }

    /** A request failed for good. */
    default void onError(RequestFailed event) {
    }

    /** A request was refused because it would pass the budget cap. */
    default void onBudgetExceeded(BudgetExceeded event) {
    }

    record RequestSent(String model, int attempt, Priority priority, long reservedTokens) {
    }

    record ResponseReceived(String model, int attempt, Completion completion) {
    }

    record RetryScheduled(String model, int failedAttempt, Duration delay, LlmException cause) {
    }

    record RateLimited(String model, int attempt, Duration retryAfter, String requestId) {
    }

    record RequestFailed(String model, LlmException error) {
    }

    record BudgetExceeded(String model, double capUsd, double projectedUsd, double requestUsd) {
    }
}
