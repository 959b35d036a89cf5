package dev.evalunit.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RateLimitHeadersTests {

    private static RateLimitHeaders parse(Map<String, String> headers) {
        return RateLimitHeaders.parse(headers::get);
    }

    @Test
    void readsOpenAisHeaders() {
        RateLimitHeaders h = parse(Map.of(
                "x-ratelimit-limit-requests", "5000",
                "x-ratelimit-limit-tokens", "2000000",
                "x-ratelimit-remaining-requests", "4999",
                "x-ratelimit-remaining-tokens", "1999000",
                "x-ratelimit-reset-requests", "12ms",
                "x-ratelimit-reset-tokens", "6m0s"));

        assertThat(h.limitRequests()).isEqualTo(5000);
        assertThat(h.limitTokens()).isEqualTo(2_000_000);
        assertThat(h.remainingRequests()).isEqualTo(4999);
        assertThat(h.remainingTokens()).isEqualTo(1_999_000);
        assertThat(h.resetRequests()).isEqualTo(Duration.ofMillis(12));
        assertThat(h.resetTokens()).isEqualTo(Duration.ofMinutes(6));
        assertThat(h.advertisesLimits()).isTrue();
    }

    @Test
    void retryAfterMsWinsOverRetryAfterSeconds() {
        assertThat(parse(Map.of("retry-after-ms", "1500", "retry-after", "2")).retryAfter())
                .isEqualTo(Duration.ofMillis(1500));
        assertThat(parse(Map.of("retry-after", "2")).retryAfter()).isEqualTo(Duration.ofSeconds(2));
    }

    @ParameterizedTest(name = "x-ratelimit-reset-* {0}")
    @CsvSource({"6m0s, PT6M", "1s, PT1S", "20ms, PT0.02S", "17h2m3s, PT17H2M3S"})
    void aResetIsReadInOpenAisFormatsButIsNeverTheWaitAfterA429(String header, Duration reset) {
        // The reset says when the per-minute window is full again, not when the next request may go: as a wait it
        // paused every process sharing limits for 17 hours. The buckets, synced to x-ratelimit-remaining-*, pace.
        RateLimitHeaders h = parse(Map.of("x-ratelimit-reset-requests", header, "x-ratelimit-reset-tokens", header));

        assertThat(h.resetRequests()).isEqualTo(reset);
        assertThat(h.resetTokens()).isEqualTo(reset);
        assertThat(h.waitAfterRateLimit(null)).as("no Retry-After, no message: the retry's backoff").isNull();
        assertThat(h.waitAfterRateLimit("Rate limit reached for gpt-4o-mini. Visit "
                + "https://platform.openai.com/account/rate-limits to learn more.")).isNull();
    }

    /**
     * OpenAI's 429 messages, as its API words them for per-minute and per-day limits; the last is one a user
     * quoted from the API in openai/openai-dotnet#404 (a request larger than what the minute had left).
     */
    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', textBlock = """
            PT0.071S    | Rate limit reached for gpt-4o-mini in organization org-x on tokens per min (TPM): Limit 200000, Used 199809, Requested 429. Please try again in 71ms. Visit https://platform.openai.com/account/rate-limits to learn more.
            PT1S        | Rate limit reached for gpt-4o in organization org-x on requests per min (RPM): Limit 500, Used 500, Requested 1. Please try again in 1s. Visit https://platform.openai.com/account/rate-limits to learn more.
            PT8.64S     | Rate limit reached for gpt-4o-mini in organization org-x on requests per day (RPD): Limit 10000, Used 10000, Requested 1. Please try again in 8.64s. Visit https://platform.openai.com/account/rate-limits to learn more.
            PT1M26.4S   | Rate limit reached for gpt-4o-mini in organization org-x on tokens per day (TPD): Limit 2000000, Used 1999000, Requested 2400. Please try again in 1m26.4s. Visit https://platform.openai.com/account/rate-limits to learn more.
            PT114H18M   | Rate limit reached for gpt-4o-mini in organization org-x on tokens per min (TPM): Limit 100000, Used 96749, Requested 19126. Please try again in 114h18m0s. Visit https://platform.openai.com/account/rate-limits to learn more.
            """)
    void withoutRetryAfterTheWaitIsTheOneThe429sMessageNames(Duration wait, String message) {
        RateLimitHeaders h = parse(Map.of("x-ratelimit-reset-requests", "17h2m3s", "x-ratelimit-reset-tokens", "6m0s"));

        // obeyed as a Retry-After is, up to evalunit.retry.max-retry-after (the client caps the last one)
        assertThat(h.waitAfterRateLimit(message)).isEqualTo(wait);
        assertThat(parse(Map.of("retry-after-ms", "250")).waitAfterRateLimit(message))
                .as("a Retry-After wins over the message").isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void malformedHeadersAreIgnoredNotFatal() {
        RateLimitHeaders h = parse(Map.of(
                "x-ratelimit-limit-requests", "lots",
                "x-ratelimit-reset-tokens", "soon",
                "retry-after", "Wed, 21 Oct 2015 07:28:00 GMT"));

        assertThat(h.limitRequests()).isEqualTo(-1);
        assertThat(h.resetTokens()).isNull();
        assertThat(h.retryAfter()).isNull();
        assertThat(h.advertisesLimits()).isFalse();
    }
}
