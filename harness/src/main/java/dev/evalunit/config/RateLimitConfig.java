package dev.evalunit.config;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.Objects;
import java.util.OptionalLong;
import org.apiguardian.api.API;

/**
 * Client-side limits for real-time requests to one model. Immutable.
 *
 * @param requestsPerMinute a requests-per-minute budget, &gt; 0, or empty to learn it from {@code x-ratelimit-*} headers
 * @param tokensPerMinute   a tokens-per-minute budget, &gt; 0, or empty to learn it from headers
 * @param maxConcurrency    requests in flight at most, 1..1024: the configured cap, or {@link #SAFETY_CAP} when
 *                          none is configured
 * @param adaptive          whether concurrency shrinks on 429s and grows back while headers show room; default true
 * @param derived           whether no cap was configured, so the requests in flight follow what the limits need
 *                          (rate times latency, learned from the responses) up to {@code maxConcurrency}
 */
@API(status = STABLE, since = "0.1")
public record RateLimitConfig(OptionalLong requestsPerMinute, OptionalLong tokensPerMinute, int maxConcurrency,
                              boolean adaptive, boolean derived) {

    public static final int MAX_CONCURRENCY_LIMIT = 1024;

    /**
     * The most requests in flight to one model when no cap is configured: 256 keeps a 15,000 RPM limit busy at
     * a second's latency, and bounds the connections an HTTP/1.1 server sees.
     */
    public static final int SAFETY_CAP = 256;

    public RateLimitConfig {
        Objects.requireNonNull(requestsPerMinute, "requestsPerMinute");
        Objects.requireNonNull(tokensPerMinute, "tokensPerMinute");
        requestsPerMinute.ifPresent(v -> Checks.range("requestsPerMinute", v, 1, Long.MAX_VALUE));
        tokensPerMinute.ifPresent(v -> Checks.range("tokensPerMinute", v, 1, Long.MAX_VALUE));
        Checks.range("maxConcurrency", maxConcurrency, 1, MAX_CONCURRENCY_LIMIT);
    }

    /** Fixed budgets and an explicit cap of {@code maxConcurrency} in flight. */
    public RateLimitConfig(OptionalLong requestsPerMinute, OptionalLong tokensPerMinute, int maxConcurrency,
                           boolean adaptive) {
        this(requestsPerMinute, tokensPerMinute, maxConcurrency, adaptive, false);
    }

    /** No fixed budgets, concurrency derived from the learned limits (up to {@link #SAFETY_CAP}), adaptive. */
    public static RateLimitConfig defaults() {
        return new RateLimitConfig(OptionalLong.empty(), OptionalLong.empty(), SAFETY_CAP, true, true);
    }

    /** This configuration with the override's values where it has them. */
    public RateLimitConfig with(ModelOverride override) {
        return new RateLimitConfig(
                override.requestsPerMinute().isPresent() ? override.requestsPerMinute() : requestsPerMinute,
                override.tokensPerMinute().isPresent() ? override.tokensPerMinute() : tokensPerMinute,
                override.maxConcurrency().orElse(maxConcurrency),
                adaptive, derived && override.maxConcurrency().isEmpty());
    }
}
