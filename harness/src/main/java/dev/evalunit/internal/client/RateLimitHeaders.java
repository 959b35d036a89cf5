package dev.evalunit.internal.client;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.evalunit.config.Durations;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apiguardian.api.API;

/**
 * What one response said about the account's rate limits, from OpenAI's {@code x-ratelimit-*} (or
 * Anthropic's {@code anthropic-ratelimit-*}) and {@code retry-after} headers. Each field is {@code -1} (or {@code null} for durations) when the
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
@API(status = INTERNAL, since = "0.1")
record RateLimitHeaders(
        long limitRequests,
        long limitTokens,
        long remainingRequests,
        long remainingTokens,
        Duration resetRequests,
        Duration resetTokens,
        Duration retryAfter) {

    /** No rate-limit information at all. */
    public static final RateLimitHeaders NONE = new RateLimitHeaders(-1, -1, -1, -1, null, null, null);
    /** OpenAI's "Please try again in 1.2s." of a 429's message, in its Go-style duration. */
    private static final Pattern TRY_AGAIN = Pattern.compile(
            "try again in ((?:\\d+(?:\\.\\d+)?(?:h|ms|m|s|us|µs|ns))+)", Pattern.CASE_INSENSITIVE);

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

    /**
     * Reads Anthropic's {@code anthropic-ratelimit-*} headers through {@code header}. Anthropic limits input and
     * output tokens per minute apart; the client's token bucket follows the input tokens' limit (its
     * {@code -input-tokens-*}, else the combined {@code -tokens-*}), the one a benchmark's prompts meet first, and an
     * output limit met meanwhile answers 429 with a {@code retry-after} that the retry obeys. Reset times come as
     * RFC 3339 instants and are read as the wait from {@code now}.
     */
    public static RateLimitHeaders anthropic(Function<String, String> header, Instant now) {
        String tokens = header.apply("anthropic-ratelimit-input-tokens-limit") != null
                ? "anthropic-ratelimit-input-tokens-" : "anthropic-ratelimit-tokens-";
        return new RateLimitHeaders(
                number(header.apply("anthropic-ratelimit-requests-limit")),
                number(header.apply(tokens + "limit")),
                number(header.apply("anthropic-ratelimit-requests-remaining")),
                number(header.apply(tokens + "remaining")),
                instant(header.apply("anthropic-ratelimit-requests-reset"), now),
                instant(header.apply(tokens + "reset"), now),
                seconds(header.apply("retry-after")));
    }

    /** Whether the server advertises any limit at all. */
    public boolean advertisesLimits() {
        return limitRequests > 0 || limitTokens > 0;
    }

    /**
     * How long to wait after a 429, or {@code null} for the retry's own backoff: {@code retry-after(-ms)} when
     * given, otherwise the wait the error's {@code message} names ({@code "... Please try again in 71ms."},
     * which OpenAI computes for this request, per-day limits included).
     *
     * <p>{@code x-ratelimit-reset-*} is never a wait: it says when the per-minute window is full again
     * ({@code "6m0s"}, or {@code "17h2m3s"} from an account near a daily cap), not when the next request may go,
     * and a 429 pauses every request of the model, of every process sharing limits. The throttle's buckets,
     * synced to the {@code x-ratelimit-remaining-*} of the same response, hold the next request until its share
     * has come back; the retry waits its backoff.
     *
     * @param message the error's message, or {@code null}
     */
    public Duration waitAfterRateLimit(String message) {
        if (retryAfter != null) {
            return retryAfter;
        }
        if (message != null) {
            Matcher named = TRY_AGAIN.matcher(message);
            if (named.find()) {
                return duration(named.group(1));
            }
        }
        return null;
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

    private static Duration instant(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            Duration wait = Duration.between(now, OffsetDateTime.parse(value.trim()).toInstant());
            return wait.isNegative() ? Duration.ZERO : wait;
        } catch (DateTimeParseException e) {
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
