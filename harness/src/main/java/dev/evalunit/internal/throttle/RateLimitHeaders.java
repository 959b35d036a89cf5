package dev.evalunit.internal.throttle;

import dev.evalunit.config.Durations;
import java.time.Duration;
import java.util.function.Function;

/**
 * What one response said about the account's rate limits, from OpenAI's {@code x-ratelimit-*} and
 * {@code retry-after} headers. Each field is {@code -1} (or {@code null} for durations) when the
 * header was absent or unreadable: a malformed header must never fail a request.
 *
 * @param limitRequests     {@code x-ratelimit-limit-requests}, requests per minute
 * @param limitTokens       {@code x-ratelimit-limit-tokens}, tokens per minute
 * @param remainingRequests {@code x-ratelimit-remaining-requests}
 * @param remainingTokens   {@code x-ratelimit-remaining-tokens}
 * @param resetRequests     {@code x-ratelimit-reset-requests} ("1s", "6m0s", "12ms")
 * @param resetTokens       {@code x-ratelimit-reset-tokens}
 * @param retryAfter        {@code retry-after-ms} when present, else {@code retry-after} in seconds
 */
public record RateLimitHeaders(
        long limitRequests,
        long limitTokens,
        long remainingRequests,
        long remainingTokens,
        Duration resetRequests,
        Duration resetTokens,
        Duration retryAfter) {

    /** No rate-limit information at all. */
    public static final RateLimitHeaders NONE = new RateLimitHeaders(-1, -1, -1, -1, null, null, null);

    /**
     * Reads the headers through {@code header}, which returns a header's first value (case-insensitive
     * name) or {@code null}.
     */
    public static RateLimitHeaders parse(Function<String, String> header) {
        Duration retryAfter = millis(header.apply("retry-after-ms"));
        if (retryAfter == null) {
            retryAfter = seconds(header.apply("retry-after"));
        }
        return new RateLimitHeaders(
                number(header.apply("x-ratelimit-limit-requests")),
                number(header.apply("x-ratelimit-limit-tokens")),
                number(header.apply("x-ratelimit-remaining-requests")),
                number(header.apply("x-ratelimit-remaining-tokens")),
                duration(header.apply("x-ratelimit-reset-requests")),
                duration(header.apply("x-ratelimit-reset-tokens")),
                retryAfter);
    }

    /** Whether the server advertises any limit at all. */
    public boolean advertisesLimits() {
        return limitRequests > 0 || limitTokens > 0;
    }

    /**
     * How long to wait after a 429: {@code retry-after(-ms)} when given, otherwise the reset time of
     * the exhausted dimension ({@code limitType} is the error's {@code type}: "requests" or "tokens"),
     * otherwise the longer of the two resets; {@code null} when the server said nothing.
     */
    public Duration waitAfterRateLimit(String limitType) {
        if (retryAfter != null) {
            return retryAfter;
        }
        if ("requests".equals(limitType) && resetRequests != null) {
            return resetRequests;
        }
        if ("tokens".equals(limitType) && resetTokens != null) {
            return resetTokens;
        }
        if (resetRequests == null) {
            return resetTokens;
        }
        if (resetTokens == null) {
            return resetRequests;
        }
        return resetRequests.compareTo(resetTokens) >= 0 ? resetRequests : resetTokens;
    }

    private static long number(String value) {
        if (value == null || value.isBlank()) {
            return -1;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static Duration duration(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Durations.parse(value.trim());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static Duration millis(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            double ms = Double.parseDouble(value.trim());
            return ms >= 0 ? Duration.ofNanos((long) (ms * 1_000_000)) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Duration seconds(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            double s = Double.parseDouble(value.trim());
            return s >= 0 ? Duration.ofNanos((long) (s * 1e9)) : null;
        } catch (NumberFormatException e) {
            // An HTTP-date Retry-After: OpenAI does not send one; fall back to backoff.
            return null;
        }
    }
}
