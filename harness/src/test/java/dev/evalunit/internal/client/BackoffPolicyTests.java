package dev.evalunit.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evalunit.config.RetryConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffPolicyTests {

    private static BackoffPolicy policy(double random) {
        return new BackoffPolicy(new RetryConfig(10, Duration.ofMillis(500), Duration.ofSeconds(4), 0.25), () -> random);
    }

    @Test
    void withoutJitterTheDelayDoublesFromTheBaseUpToTheCap() {
        BackoffPolicy backoff = policy(0);

        assertThat(backoff.delayAfter(1, null)).isEqualTo(Duration.ofMillis(500));
        assertThat(backoff.delayAfter(2, null)).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.delayAfter(3, null)).isEqualTo(Duration.ofSeconds(2));
        assertThat(backoff.delayAfter(4, null)).isEqualTo(Duration.ofSeconds(4));
        assertThat(backoff.delayAfter(9, null)).isEqualTo(Duration.ofSeconds(4));
    }

    @Test
    void jitterOnlyShortensAndByAtMostItsFraction() {
        assertThat(policy(0.999999).delayAfter(2, null)).isBetween(Duration.ofMillis(750), Duration.ofMillis(751));
        assertThat(policy(0.5).delayAfter(2, null)).isEqualTo(Duration.ofMillis(875));
    }

    @Test
    void theServersRetryAfterIsAFloorThatJitterAndTheCapCannotLower() {
        assertThat(policy(0.9).delayAfter(1, Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(30));
        assertThat(policy(0.9).delayAfter(1, Duration.ofMillis(100))).isEqualTo(Duration.ofMillis(387).plusNanos(500_000));
    }

    @Test
    void aHugeAttemptCountDoesNotOverflow() {
        assertThat(policy(0).delayAfter(Integer.MAX_VALUE, null)).isEqualTo(Duration.ofSeconds(4));
    }
}
