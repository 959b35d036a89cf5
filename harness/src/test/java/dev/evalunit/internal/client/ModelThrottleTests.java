package dev.evalunit.internal.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.evalunit.Priority;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;

class ModelThrottleTests {

    private final ManualTime time = new ManualTime();

    private ModelThrottle throttle(Long rpm, Long tpm, int maxConcurrency, boolean adaptive) {
        return new ModelThrottle("gpt-4o-mini", new ModelThrottle.Settings(
                rpm == null ? OptionalLong.empty() : OptionalLong.of(rpm),
                tpm == null ? OptionalLong.empty() : OptionalLong.of(tpm),
                maxConcurrency, adaptive, 1.0), time, time);
    }

    private static RateLimitHeaders remaining(long limitRequests, long remainingRequests) {
        return new RateLimitHeaders(limitRequests, -1, remainingRequests, -1, null, null, null);
    }

    /** Sends the first request and lets it come back, as the client's probe of a model does. */
    private static ModelThrottle probed(ModelThrottle throttle) {
        throttle.acquire(Priority.NORMAL, 1).join().release(ModelThrottle.Feedback.success(1, RateLimitHeaders.NONE));
        return throttle;
    }

    @Test
    void untilAFirstResponseComesBackOneRequestGoesAtATimeWhateverTheLimits() {
        ModelThrottle throttle = throttle(100_000L, 100_000_000L, 8, false);

        var probe = throttle.acquire(Priority.NORMAL, 10);
        var next = throttle.acquire(Priority.NORMAL, 10);
        assertThat(probe).isDone();
        assertThat(next).isNotDone();

        // a connection failure reached nothing: still one at a time
        probe.join().release(ModelThrottle.Feedback.failure(null, false, null));
        assertThat(next).isDone();
        var third = throttle.acquire(Priority.NORMAL, 10);
        assertThat(third).isNotDone();

        // an HTTP response (even an error) ends the probing
        next.join().release(ModelThrottle.Feedback.failure(RateLimitHeaders.NONE, false, null));
        assertThat(third).isDone();
        assertThat(throttle.acquire(Priority.NORMAL, 10)).isDone();
        assertThat(throttle.inFlight()).isEqualTo(2);
    }

    @Test
    void aWakeUpThatASoonerOneReplacedDoesNotStartAChainOfItsOwn() {
        ModelThrottle throttle = probed(throttle(1_000_000L, 60_000L, 8, false)); // 1,000 tokens a second
        time.advanceMillis(1_000);
        var hog = throttle.acquire(Priority.NORMAL, 1_000);
        var first = throttle.acquire(Priority.NORMAL, 1_000); // a wake-up in 1 s
        var second = throttle.acquire(Priority.NORMAL, 1_000);

        hog.join().release(ModelThrottle.Feedback.success(100, RateLimitHeaders.NONE)); // 900 back: one in 100 ms
        time.advanceMillis(100);
        assertThat(first).isDone();
        assertThat(time.pending()).as("wake-ups pending: the replaced one and the second's").isEqualTo(2);

        time.advanceMillis(900); // the replaced wake-up falls due

        assertThat(second).isNotDone();
        assertThat(time.pending()).as("wake-ups pending after the replaced one ran").isEqualTo(1);
        time.advanceMillis(100);
        assertThat(second).isDone();
    }

    @Test
    void noMoreThanTheConcurrencyLimitIsInFlight() {
        ModelThrottle throttle = probed(throttle(100_000L, 100_000_000L, 2, false));

        var first = throttle.acquire(Priority.NORMAL, 10);
        var second = throttle.acquire(Priority.NORMAL, 10);
        var third = throttle.acquire(Priority.NORMAL, 10);

        assertThat(first).isDone();
        assertThat(second).isDone();
        assertThat(third).isNotDone();
        assertThat(throttle.inFlight()).isEqualTo(2);

        first.join().release(ModelThrottle.Feedback.success(10, RateLimitHeaders.NONE));
        assertThat(third).isDone();
    }

    @Test
    void urgentRequestsGoBeforeNormalAndNormalBeforeBackgroundInSubmissionOrder() {
        ModelThrottle throttle = throttle(100_000L, 100_000_000L, 1, false);
        var holder = throttle.acquire(Priority.NORMAL, 1);
        List<String> order = new ArrayList<>();
        List<ModelThrottle.Permit> granted = new ArrayList<>();
        for (String name : List.of("background-1", "normal-1", "urgent-1", "background-2", "urgent-2")) {
            Priority p = Priority.valueOf(name.substring(0, name.indexOf('-')).toUpperCase());
            throttle.acquire(p, 1).thenAccept(permit -> {
                order.add(name);
                granted.add(permit);
            });
        }

        holder.join().release(ModelThrottle.Feedback.success(1, RateLimitHeaders.NONE));
        for (int i = 0; i < 4; i++) {
            granted.get(i).release(ModelThrottle.Feedback.success(1, RateLimitHeaders.NONE));
        }

        assertThat(order).containsExactly("urgent-1", "urgent-2", "normal-1", "background-1", "background-2");
    }

    @Test
    void theRequestBucketHoldsOneSecondOfTheLimitAndWakesWhenTheNextTokenIsDue() {
        ModelThrottle throttle = throttle(60L, 100_000_000L, 10, false);

        var first = throttle.acquire(Priority.NORMAL, 1);
        var second = throttle.acquire(Priority.NORMAL, 1);

        assertThat(first).isDone();
        assertThat(second).isNotDone();
        first.join().release(ModelThrottle.Feedback.success(1, RateLimitHeaders.NONE)); // the probe came back
        assertThat(second).isNotDone();
        assertThat(time.nextWakeIn()).isEqualTo(1_000_000_000L);

        time.advanceMillis(999);
        assertThat(second).isNotDone();
        time.advanceMillis(1);
        assertThat(second).isDone();
    }

    @Test
    void tokensReservedBeyondTheUsageAreRefundedAndLetTheNextRequestGo() {
        ModelThrottle throttle = throttle(null, 6000L, 10, false); // 100 tokens a second
        // Configured TPM and learned RPM: a first response teaches that RPM is unlimited.
        var first = throttle.acquire(Priority.NORMAL, 80);
        first.join().release(ModelThrottle.Feedback.success(80, RateLimitHeaders.NONE));
        time.advanceMillis(800);

        var big = throttle.acquire(Priority.NORMAL, 80);
        var next = throttle.acquire(Priority.NORMAL, 50);
        assertThat(big).isDone();
        assertThat(next).isNotDone();

        big.join().release(ModelThrottle.Feedback.success(30, RateLimitHeaders.NONE));
        assertThat(next).isDone();
    }

    @Test
    void a429PausesTheModelForTheWholeRetryAfterAndHalvesConcurrency() {
        ModelThrottle throttle = throttle(100_000L, 100_000_000L, 8, true);
        var limited = throttle.acquire(Priority.NORMAL, 1);

        limited.join().release(ModelThrottle.Feedback.failure(RateLimitHeaders.NONE, true, Duration.ofSeconds(2)));
        var after = throttle.acquire(Priority.NORMAL, 1);

        assertThat(throttle.concurrencyLimit()).isEqualTo(4);
        assertThat(after).isNotDone();
        time.advanceMillis(1999);
        assertThat(after).isNotDone();
        time.advanceMillis(1);
        assertThat(after).isDone();
    }

    @Test
    void tenRateLimitedAnswersOfOneBurstHalveTheConcurrencyOnceAndALaterBurstHalvesItAgain() {
        // Given ten requests in flight together (the probe came back first)
        ModelThrottle throttle = probed(throttle(100_000L, 100_000_000L, 10, true));
        List<ModelThrottle.Permit> burst = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            burst.add(throttle.acquire(Priority.NORMAL, 1).join());
        }

        // When all ten come back 429: one congestion event
        time.advanceMillis(100);
        burst.forEach(p -> p.release(ModelThrottle.Feedback.failure(RateLimitHeaders.NONE, true, Duration.ZERO)));

        // Then the concurrency is halved once, not ten times
        assertThat(throttle.concurrencyLimit()).isEqualTo(5);

        // When a request sent after that decrease is limited too: a new event
        time.advanceMillis(100);
        var later = throttle.acquire(Priority.NORMAL, 1).join();
        time.advanceMillis(100);
        later.release(ModelThrottle.Feedback.failure(RateLimitHeaders.NONE, true, Duration.ZERO));

        // Then it halves again
        assertThat(throttle.concurrencyLimit()).isEqualTo(2);
    }

    @Test
    void aRetryAfterOfCenturiesPausesTheModelWithoutOverflowingItsClock() {
        ModelThrottle throttle = probed(throttle(100_000L, 100_000_000L, 8, true));

        throttle.acquire(Priority.NORMAL, 1).join()
                .release(ModelThrottle.Feedback.failure(RateLimitHeaders.NONE, true, Duration.ofSeconds(Long.MAX_VALUE / 4)));
        var after = throttle.acquire(Priority.NORMAL, 1);

        time.advanceMillis(60_000);
        assertThat(after).isNotDone();
        assertThat(throttle.queued()).isEqualTo(1);
    }

    @Test
    void concurrencyRecoversAdditivelyAfterBackingOff() {
        ModelThrottle throttle = throttle(100_000L, 100_000_000L, 8, true);
        throttle.acquire(Priority.NORMAL, 1).join()
                .release(ModelThrottle.Feedback.failure(RateLimitHeaders.NONE, true, Duration.ZERO));
        assertThat(throttle.concurrencyLimit()).isEqualTo(4);

        List<ModelThrottle.Permit> held = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            held.add(throttle.acquire(Priority.NORMAL, 1).join());
        }
        // Only a sample taken while the limit was in full use raises it (AIMD ignores app-limited samples).
        held.get(3).release(ModelThrottle.Feedback.success(1, RateLimitHeaders.NONE));

        assertThat(throttle.concurrencyLimit()).isEqualTo(5);
    }

    @Test
    void withoutConfiguredLimitsOneRequestProbesAndTheHeadersSetTheBuckets() {
        ModelThrottle throttle = throttle(null, null, 10, true);

        var probe = throttle.acquire(Priority.NORMAL, 1);
        var waiting = throttle.acquire(Priority.NORMAL, 1);
        assertThat(throttle.concurrencyLimit()).isEqualTo(1);
        assertThat(waiting).isNotDone();

        probe.join().release(ModelThrottle.Feedback.success(1,
                new RateLimitHeaders(600, 60_000, 599, 59_999, null, null, null)));

        assertThat(waiting).isDone();
        assertThat(throttle.concurrencyLimit()).isEqualTo(10);
        assertThat(throttle.requestsPerMinute()).isEqualTo(600);
        assertThat(throttle.tokensPerMinute()).isEqualTo(60_000);
    }

    @Test
    void aServerThatAdvertisesNoLimitsLeavesTheBucketsUnlimited() {
        ModelThrottle throttle = throttle(null, null, 3, true);
        throttle.acquire(Priority.NORMAL, 1).join().release(ModelThrottle.Feedback.success(1, RateLimitHeaders.NONE));

        for (int i = 0; i < 3; i++) {
            assertThat(throttle.acquire(Priority.NORMAL, 1_000_000)).isDone();
        }
        assertThat(throttle.requestsPerMinute()).isZero();
    }

    @Test
    void whenTheServerSaysLittleRemainsTheThrottleSlowsBeforeTheLimit() {
        ModelThrottle throttle = throttle(600L, 100_000_000L, 10, false); // 10 a second
        var first = throttle.acquire(Priority.NORMAL, 1);
        first.join().release(ModelThrottle.Feedback.success(1, remaining(600, 0)));

        var next = throttle.acquire(Priority.NORMAL, 1);

        assertThat(next).isNotDone();
        assertThat(time.nextWakeIn()).isEqualTo(100_000_000L);
    }

    @Test
    void theServersRemainingIsReadAsAShareOfItsPerMinuteLimit() {
        ModelThrottle throttle = throttle(100_000_000L, 60_000L, 10, false); // 1,000 tokens a second
        var first = throttle.acquire(Priority.NORMAL, 100);

        // 1,939 of 60,000 left is 32 of our 1,000: we believed 900, so 868 go.
        first.join().release(ModelThrottle.Feedback.success(100,
                new RateLimitHeaders(-1, 60_000, -1, 1_939, null, null, null)));

        assertThat(throttle.acquire(Priority.NORMAL, 32)).isDone();
        assertThat(throttle.acquire(Priority.NORMAL, 2)).isNotDone();
    }

    @Test
    void aRetryKeepsItsPlaceAheadOfRequestsSubmittedAfterIt() {
        ModelThrottle throttle = throttle(100_000L, 100_000_000L, 1, false);
        var holder = throttle.acquire(Priority.NORMAL, 1, 0);
        var later = throttle.acquire(Priority.NORMAL, 1, 2);
        var retry = throttle.acquire(Priority.NORMAL, 1, 1);

        holder.join().release(ModelThrottle.Feedback.success(1, RateLimitHeaders.NONE));

        assertThat(retry).isDone();
        assertThat(later).isNotDone();
    }

    @Test
    void closingFailsWhatIsStillQueued() {
        ModelThrottle throttle = throttle(100_000L, 100_000_000L, 1, false);
        throttle.acquire(Priority.NORMAL, 1);
        var queued = throttle.acquire(Priority.NORMAL, 1);

        throttle.close();

        assertThatThrownBy(queued::join).isInstanceOf(CancellationException.class)
                .hasMessageContaining("closed");
        assertThat(throttle.acquire(Priority.NORMAL, 1)).isCompletedExceptionally();
    }

    @Test
    void aCancelledWaiterGivesItsPlaceToTheNext() {
        ModelThrottle throttle = throttle(100_000L, 100_000_000L, 1, false);
        var holder = throttle.acquire(Priority.NORMAL, 1);
        var cancelled = throttle.acquire(Priority.NORMAL, 1);
        var next = throttle.acquire(Priority.NORMAL, 1);

        cancelled.cancel(false);
        holder.join().release(ModelThrottle.Feedback.success(1, RateLimitHeaders.NONE));

        assertThat(next).isDone();
    }

    private ModelThrottle derived(Long rpm, int cap, boolean adaptive) {
        return new ModelThrottle("gpt-4o-mini", new ModelThrottle.Settings(
                rpm == null ? OptionalLong.empty() : OptionalLong.of(rpm), OptionalLong.empty(), cap, adaptive, 1.0,
                true), time, time);
    }

    /** The probe comes back after {@code latencyMillis} with the server's limits. */
    private ModelThrottle probedAfter(ModelThrottle throttle, long latencyMillis, long tokens, RateLimitHeaders headers) {
        var probe = throttle.acquire(Priority.NORMAL, tokens).join();
        time.advanceMillis(latencyMillis);
        probe.release(ModelThrottle.Feedback.success(tokens, headers));
        return throttle;
    }

    @Test
    void withoutACapTheRequestsInFlightAreTheServersRateTimesTheLatencyWithHeadroom() {
        // 3,000 a minute is 50 a second; at a second's latency 50 are in flight, 62.5 with headroom, plus one
        ModelThrottle slow = probedAfter(derived(null, 256, false), 1_000, 1,
                new RateLimitHeaders(3_000, 10_000_000, 2_999, 9_999_999, null, null, null));
        // at 200 ms, 10 are, 12.5 with headroom
        ModelThrottle fast = probedAfter(derived(null, 256, false), 200, 1,
                new RateLimitHeaders(3_000, 10_000_000, 2_999, 9_999_999, null, null, null));

        assertThat(slow.concurrencyLimit()).isEqualTo(64);
        assertThat(fast.concurrencyLimit()).isEqualTo(14);
        assertThat(slow.averageLatency()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void withoutACapATokenLimitLowerThanTheRequestLimitSetsTheRequestsInFlight() {
        // 600,000 tokens a minute at 1,000 a request is 10 requests a second, far under the 100,000 RPM
        ModelThrottle throttle = probedAfter(derived(null, 256, false), 1_000, 1_000,
                new RateLimitHeaders(100_000, 600_000, 99_999, 599_000, null, null, null));

        assertThat(throttle.concurrencyLimit()).isEqualTo(14);
    }

    @Test
    void withoutACapTheRequestsInFlightNeverPassTheSafetyCap() {
        ModelThrottle throttle = probedAfter(derived(null, 40, false), 1_000, 1,
                new RateLimitHeaders(30_000, 100_000_000, 29_999, 99_999_999, null, null, null));

        assertThat(throttle.concurrencyLimit()).isEqualTo(40);
    }

    @Test
    void adaptiveDerivedConcurrencyStartsAtWhatTheRateNeedsHalvesOnA429AndGrowsBack() {
        // 30,000 a minute at 100 ms: 50 in flight, 64 with headroom; the bucket holds 500, so only concurrency binds
        ModelThrottle throttle = probedAfter(derived(null, 256, true), 100, 1,
                new RateLimitHeaders(30_000, 100_000_000, 29_999, 99_999_999, null, null, null));
        assertThat(throttle.concurrencyLimit()).isEqualTo(64);

        List<ModelThrottle.Permit> burst = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            burst.add(throttle.acquire(Priority.NORMAL, 1).join());
        }
        time.advanceMillis(100);
        burst.get(0).release(ModelThrottle.Feedback.failure(RateLimitHeaders.NONE, true, Duration.ofMillis(10)));
        burst.get(1).release(ModelThrottle.Feedback.failure(RateLimitHeaders.NONE, true, Duration.ofMillis(10)));
        assertThat(throttle.concurrencyLimit()).as("one burst halves it once").isEqualTo(32);

        burst.subList(2, 64).forEach(p -> p.release(ModelThrottle.Feedback.success(1, RateLimitHeaders.NONE)));
        assertThat(throttle.concurrencyLimit()).as("62 successes regrow it by one each").isEqualTo(64);
    }

    @Test
    void derivedConcurrencyWithoutALatencyYetStaysAtTen() {
        ModelThrottle throttle = derived(null, 256, true);
        // the probe met an error that carried the limits: a rate, but no round trip to time
        throttle.acquire(Priority.NORMAL, 1).join().release(ModelThrottle.Feedback.failure(
                new RateLimitHeaders(30_000, 100_000_000, 29_999, 99_999_999, null, null, null), false, null));

        assertThat(throttle.concurrencyLimit()).isEqualTo(10);
    }

    @Test
    void aConfiguredLimitAboveTheServersGivesWayToTheServersOnceWithAWarning() {
        ModelThrottle throttle = throttle(6_000L, null, 10, false);
        RateLimitHeaders server = new RateLimitHeaders(3_000, 10_000_000, 2_999, 9_999_999, null, null, null);
        throttle.acquire(Priority.NORMAL, 1).join().release(ModelThrottle.Feedback.success(1, server));
        throttle.acquire(Priority.NORMAL, 1).join().release(ModelThrottle.Feedback.success(1, server));

        assertThat(throttle.requestsPerMinute()).isEqualTo(3_000);
        assertThat(throttle.takeWarnings()).singleElement().asString()
                .contains("3,000 requests per minute", "6,000 configured");
        assertThat(throttle.takeWarnings()).isEmpty();
    }

    @Test
    void aConfiguredLimitBelowTheServersIsKept() {
        ModelThrottle throttle = throttle(1_200L, null, 10, false);
        throttle.acquire(Priority.NORMAL, 1).join().release(ModelThrottle.Feedback.success(1,
                new RateLimitHeaders(3_000, 10_000_000, 2_999, 9_999_999, null, null, null)));

        assertThat(throttle.requestsPerMinute()).isEqualTo(1_200);
        assertThat(throttle.takeWarnings()).isEmpty();
    }

    @Test
    void aConfiguredLimitEqualToTheServersIsNeitherWarnedOfNorLearntAgain() {
        // 1,010 RPM is one of the limits (as 60 is) that a double rate per nanosecond does not give back exactly
        ModelThrottle throttle = throttle(1_010L, null, 10, false);
        RateLimitHeaders server = new RateLimitHeaders(1_010, 10_000_000, 1_009, 9_999_999, null, null, null);
        for (int i = 0; i < 3; i++) {
            throttle.acquire(Priority.NORMAL, 1).join().release(ModelThrottle.Feedback.success(1, server));
        }

        assertThat(throttle.requestsPerMinute()).isEqualTo(1_010);
        assertThat(throttle.takeWarnings()).isEmpty();
    }
}
