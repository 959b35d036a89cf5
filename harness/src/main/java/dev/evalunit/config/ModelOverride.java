package dev.evalunit.config;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.apiguardian.api.API;

/**
 * Limits for one model that replace the global {@link RateLimitConfig} values, set with
 * {@code evalunit.models.<model>.rpm|tpm|max-concurrency}. Immutable; empty means "use the global value".
 *
 * @param model             the exact model name, e.g. {@code gpt-4o-mini}
 * @param requestsPerMinute requests per minute, &gt; 0
 * @param tokensPerMinute   tokens per minute, &gt; 0
 * @param maxConcurrency    requests in flight, 1..1024
 */
@API(status = STABLE, since = "0.1")
public record ModelOverride(String model, OptionalLong requestsPerMinute, OptionalLong tokensPerMinute,
                            OptionalInt maxConcurrency) {

    public ModelOverride {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(requestsPerMinute, "requestsPerMinute");
        Objects.requireNonNull(tokensPerMinute, "tokensPerMinute");
        Objects.requireNonNull(maxConcurrency, "maxConcurrency");
        if (model.isBlank()) {
            throw new IllegalArgumentException("model must not be blank");
        }
        requestsPerMinute.ifPresent(v -> Checks.range("requestsPerMinute", v, 1, Long.MAX_VALUE));
        tokensPerMinute.ifPresent(v -> Checks.range("tokensPerMinute", v, 1, Long.MAX_VALUE));
        maxConcurrency.ifPresent(v -> Checks.range("maxConcurrency", v, 1, RateLimitConfig.MAX_CONCURRENCY_LIMIT));
    }
}
