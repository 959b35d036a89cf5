package dev.evalunit.config;

import static org.apiguardian.api.API.Status.STABLE;

import java.time.Duration;
import org.apiguardian.api.API;

/**
 * Retries of retryable failures (429 without {@code insufficient_quota}, 5xx, I/O errors) with
 * exponential backoff: the n-th wait is {@code min(maxDelay, baseDelay * 2^(n-1))}, varied by
 * {@code ±jitter} of itself; a server's {@code Retry-After} is obeyed in full instead, up to
 * {@code maxRetryAfter}. Immutable.
 *
 * @param maxAttempts    attempts in all, including the first, 1..100; default 6
 * @param baseDelay      the first wait, &gt;= 0; default 500ms
 * @param maxDelay       the longest computed wait, &gt;= baseDelay; default 60s
 * @param jitter         the random fraction 0..1 of each wait; default 0.25
 * @param maxRetryAfter  the longest {@code Retry-After} obeyed, &gt; 0; a longer one is capped to it with a
 *                       warning, so a broken header cannot park a run for days; default 15m
 * @param timeoutResends how many times a request whose attempt timed out on our side is sent again,
 *                       0..100: the server may have processed and billed each of them; default 2
 */
@API(status = STABLE, since = "0.1")
public record RetryConfig(int maxAttempts, Duration baseDelay, Duration maxDelay, double jitter,
                          Duration maxRetryAfter, int timeoutResends) {

    public static final int MAX_ATTEMPTS_LIMIT = 100;

    public static final Duration DEFAULT_MAX_RETRY_AFTER = Duration.ofMinutes(15);

    public static final int DEFAULT_TIMEOUT_RESENDS = 2;

    public RetryConfig {
        Checks.range("maxAttempts", maxAttempts, 1, MAX_ATTEMPTS_LIMIT);
        Checks.nonNegative("baseDelay", baseDelay);
        Checks.nonNegative("maxDelay", maxDelay);
        if (maxDelay.compareTo(baseDelay) < 0) {
            throw new IllegalArgumentException("maxDelay must be >= baseDelay (" + Durations.format(baseDelay)
                    + ") but was " + Durations.format(maxDelay));
        }
        Checks.range("jitter", jitter, 0.0, 1.0);
        Checks.positive("maxRetryAfter", maxRetryAfter);
        Checks.range("timeoutResends", timeoutResends, 0, MAX_ATTEMPTS_LIMIT);
    }

    /** Backoff as given, with the default {@code Retry-After} cap and timeout resends. */
    public RetryConfig(int maxAttempts, Duration baseDelay, Duration maxDelay, double jitter) {
        this(maxAttempts, baseDelay, maxDelay, jitter, DEFAULT_MAX_RETRY_AFTER, DEFAULT_TIMEOUT_RESENDS);
    }

    public static RetryConfig defaults() {
        return new RetryConfig(6, Duration.ofMillis(500), Duration.ofSeconds(60), 0.25);
    }

    public RetryConfig withTimeoutResends(int timeoutResends) {
        return new RetryConfig(maxAttempts, baseDelay, maxDelay, jitter, maxRetryAfter, timeoutResends);
    }

    public RetryConfig withMaxRetryAfter(Duration maxRetryAfter) {
        return new RetryConfig(maxAttempts, baseDelay, maxDelay, jitter, maxRetryAfter, timeoutResends);
    }
}
