package dev.evalunit.internal.throttle;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

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

    @Test
    void afterA429TheExhaustedDimensionsResetIsTheWaitWhenNoRetryAfterIsGiven() {
        RateLimitHeaders h = parse(Map.of("x-ratelimit-reset-requests", "1s", "x-ratelimit-reset-tokens", "6m0s"));

        assertThat(h.waitAfterRateLimit("requests")).isEqualTo(Duration.ofSeconds(1));
        assertThat(h.waitAfterRateLimit("tokens")).isEqualTo(Duration.ofMinutes(6));
        assertThat(h.waitAfterRateLimit(null)).isEqualTo(Duration.ofMinutes(6));
        assertThat(RateLimitHeaders.NONE.waitAfterRateLimit("requests")).isNull();
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
