package dev.evalunit.config;

import java.time.Duration;

/**
 * Retries of retryable failures (429 without {@code insufficient_quota}, 5xx, I/O errors) with
 * exponential backoff: the n-th wait is {@code min(maxDelay, baseDelay * 2^(n-1))}, varied by
 * {@code ±jitter} of itself; a server's {@code Retry-After} is obeyed in full instead. Immutable.
 *
 * @param maxAttempts attempts in all, including the first, 1..100; default 6
 * @param baseDelay   the first wait, &gt;= 0; default 500ms
 * @param maxDelay    the longest computed wait, &gt;= baseDelay; default 60s
 * @param jitter      the random fraction 0..1 of each wait; default 0.25
 */
public record RetryConfig(int maxAttempts, Duration baseDelay, Duration maxDelay, double jitter) {

    public static final int MAX_ATTEMPTS_LIMIT = 100;

    public RetryConfig {
        Checks.range("maxAttempts", maxAttempts, 1, MAX_ATTEMPTS_LIMIT);
        Checks.nonNegative("baseDelay", baseDelay);
        Checks.nonNegative("maxDelay", maxDelay);
        if (maxDelay.compareTo(baseDelay) < 0) {
            throw new IllegalArgumentException("maxDelay must be >= baseDelay (" + Durations.format(baseDelay)
                    + ") but was " + Durations.format(maxDelay));
        }
        Checks.range("jitter", jitter, 0.0, 1.0);
    }

    public static RetryConfig defaults() {
        return new RetryConfig(6, Duration.ofMillis(500), Duration.ofSeconds(60), 0.25);
    }
}
