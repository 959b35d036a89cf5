package dev.evalunit.internal.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class TokenBucketTests {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void startsFullWithOneSecondOfTheMinuteRate() {
        TokenBucket bucket = TokenBucket.perMinute(600, 1, 0);

        assertThat(bucket.capacity()).isEqualTo(10);
        assertThat(bucket.level(0)).isEqualTo(10);
        assertThat(bucket.nanosUntil(10, 0)).isZero();
    }

    @Test
    void anEmptyBucketSaysExactlyHowLongUntilTheNextToken() {
        TokenBucket bucket = TokenBucket.perMinute(600, 1, 0);
        bucket.take(10, 0);

        assertThat(bucket.nanosUntil(1, 0)).isEqualTo(SECOND / 10);
        assertThat(bucket.nanosUntil(5, 0)).isEqualTo(SECOND / 2);
        assertThat(bucket.nanosUntil(1, SECOND / 10)).isZero();
    }

    @Test
    void refillStopsAtCapacity() {
        TokenBucket bucket = TokenBucket.perMinute(600, 1, 0);
        bucket.take(10, 0);

        assertThat(bucket.level(60 * SECOND)).isEqualTo(10);
    }

    @Test
    void aTakeLargerThanTheCapacityWaitsForAFullBucketAndGoesNegative() {
        TokenBucket bucket = TokenBucket.perMinute(600, 1, 0);
        bucket.take(4, 0);

        assertThat(bucket.nanosUntil(25, 0)).isEqualTo(4 * SECOND / 10);
        bucket.take(25, 4 * SECOND / 10);
        assertThat(bucket.level(4 * SECOND / 10)).isCloseTo(-15, within(1e-9));
        assertThat(bucket.nanosUntil(1, 4 * SECOND / 10)).isEqualTo(16 * SECOND / 10);
    }

    @Test
    void refundsAddBackButNeverPastCapacity() {
        TokenBucket bucket = TokenBucket.perMinute(6000, 1, 0);
        bucket.take(80, 0);
        bucket.give(30, 0);
        assertThat(bucket.level(0)).isEqualTo(50);

        bucket.give(1000, 0);
        assertThat(bucket.level(0)).isEqualTo(100);

        bucket.give(-120, 0);
        assertThat(bucket.level(0)).isEqualTo(-20);
    }

    @Test
    void syncingTakesWhatWeBelievedBeyondTheServersLevelOnce() {
        TokenBucket bucket = TokenBucket.perMinute(600, 1, 0); // 10 a second
        bucket.take(1, 0);
        double levelAtFirst = bucket.level(0);
        double correctionsAtFirst = bucket.corrections();
        bucket.take(1, 0);
        double levelAtSecond = bucket.level(0);
        double correctionsAtSecond = bucket.corrections();

        // The server had 3 fewer than we thought when each request arrived.
        bucket.syncTo(levelAtFirst, correctionsAtFirst, levelAtFirst - 3, 0);
        assertThat(bucket.level(0)).isEqualTo(5);

        bucket.syncTo(levelAtSecond, correctionsAtSecond, levelAtSecond - 3, 0);
        assertThat(bucket.level(0)).isEqualTo(5);
        assertThat(bucket.corrections()).isEqualTo(3);
    }

    @Test
    void aServerWithMoreLeftThanUsChangesNothing() {
        TokenBucket bucket = TokenBucket.perMinute(600, 1, 0);
        bucket.take(4, 0);

        bucket.syncTo(bucket.level(0), bucket.corrections(), 10, 0);

        assertThat(bucket.level(0)).isEqualTo(6);
    }

    @Test
    void anUnlimitedBucketNeverWaitsUntilItLearnsARate() {
        TokenBucket bucket = TokenBucket.unlimited();
        bucket.take(1_000_000, 0);
        assertThat(bucket.nanosUntil(1_000_000, 0)).isZero();

        bucket.setRate(120, 1, 0);
        assertThat(bucket.isUnlimited()).isFalse();
        assertThat(bucket.capacity()).isEqualTo(2);
        bucket.take(2, 0);
        assertThat(bucket.nanosUntil(1, 0)).isEqualTo(SECOND / 2);
    }
}
