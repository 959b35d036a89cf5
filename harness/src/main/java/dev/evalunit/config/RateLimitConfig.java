package dev.evalunit.config;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * Client-side limits for real-time requests to one model. Immutable.
 *
 * @param requestsPerMinute a requests-per-minute budget, &gt; 0, or empty to learn it from {@code x-ratelimit-*} headers
 * @param tokensPerMinute   a tokens-per-minute budget, &gt; 0, or empty to learn it from headers
 * @param maxConcurrency    requests in flight at most, 1..1024; default 10
 * @param adaptive          whether concurrency shrinks on 429s and grows back while headers show room; default true
 */
public record RateLimitConfig(OptionalLong requestsPerMinute, OptionalLong tokensPerMinute, int maxConcurrency,
                              boolean adaptive) {

    public static final int MAX_CONCURRENCY_LIMIT = 1024;

    public RateLimitConfig {
        Objects.requireNonNull(requestsPerMinute, "requestsPerMinute");
        Objects.requireNonNull(tokensPerMinute, "tokensPerMinute");
        requestsPerMinute.ifPresent(v -> Checks.range("requestsPerMinute", v, 1, Long.MAX_VALUE));
        tokensPerMinute.ifPresent(v -> Checks.range("tokensPerMinute", v, 1, Long.MAX_VALUE));
        Checks.range("maxConcurrency", maxConcurrency, 1, MAX_CONCURRENCY_LIMIT);
    }

    /** No fixed budgets, 10 in flight, adaptive. */
    public static RateLimitConfig defaults() {
        return new RateLimitConfig(OptionalLong.empty(), OptionalLong.empty(), 10, true);
    }

    /** This configuration with the override's values where it has them. */
    public RateLimitConfig with(ModelOverride override) {
        return new RateLimitConfig(
                override.requestsPerMinute().isPresent() ? override.requestsPerMinute() : requestsPerMinute,
                override.tokensPerMinute().isPresent() ? override.tokensPerMinute() : tokensPerMinute,
                override.maxConcurrency().orElse(maxConcurrency),
                adaptive);
    }
}
