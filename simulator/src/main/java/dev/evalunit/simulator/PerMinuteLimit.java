package dev.evalunit.simulator;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.EstimationProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.local.SynchronizationStrategy;
import java.time.Duration;
import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * One per-minute limit of one model, its requests or its tokens: a Bucket4j bucket that starts full and refills
 * greedily, that is continuously, as OpenAI's limits do. Not thread-safe: {@link RateLimits} guards each model's
 * limits with one lock, so the bucket is built without synchronization of its own.
 *
 * <p>Bucket4j counts whole tokens, so a request or token is {@code units} of Bucket4j's: a bucket of 1.5 requests
 * (90 RPM over a one-second burst) is then exact, and so is what is left between two refills. Bucket4j refuses a
 * refill faster than one token a nanosecond, and a refill of {@code limit * units} a minute would overflow its
 * product of the refill and the nanoseconds elapsed; so the bucket refills {@code limit} units every period of 1,
 * 10, 100... µs, the shortest within that rate, and a unit is what makes that {@code limit} a minute: 60,000,000 to
 * a request or token at 1 µs (limits up to 1,000 a minute), 60 at the simulator's highest limit, 1,000,000,000. So
 * every wait comes out exact for an injected clock (600 RPM: one request per 100 ms, not 99.999).
 *
 * <p>Bucket4j's time is the instant of the request being decided, taken from the simulator's clock and set by
 * {@link #advance}, not a clock of its own: the tests drive the simulator with a fake clock and see the same waits
 * on every run. Bucket4j has no refund that falls due later, so the refunds wait here until {@link #advance}
 * reaches them.
 */
final class PerMinuteLimit {

    private static final long MICROS_PER_MINUTE = 60_000_000L;

    private final long limit;
    private final long units;
    private final long capacity;
    private final Now now;
    private final Bucket bucket;
    private final PriorityQueue<Refund> refunds = new PriorityQueue<>(Comparator.comparingLong(Refund::dueNanos));

    PerMinuteLimit(long limitPerMinute, Duration burst, long nowNanos) {
        this.limit = limitPerMinute;
        long periodMicros = 1;
        while (limitPerMinute > periodMicros * 1000) {
            periodMicros *= 10;
        }
        this.units = MICROS_PER_MINUTE / periodMicros;
        long burstMicros = burst.toNanos() / 1000;
        // limit * burst / 1 min, to the unit; below one whole request or token, the bucket could never admit anything.
        this.capacity = Math.max(limitPerMinute * burstMicros / periodMicros, units);
        this.now = new Now(nowNanos);
        this.bucket = Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(capacity)
                        .refillGreedy(limitPerMinute, Duration.ofNanos(periodMicros * 1000)).build())
                .withCustomTimePrecision(now)
                .withSynchronizationStrategy(SynchronizationStrategy.NONE)
                .build();
    }

    long limit() {
        return limit;
    }

    /**
     * Moves the bucket's time to {@code nowNanos}, applying the refunds that fell due on the way: each lands at its
     * own due time, so the refill before it stops at a full bucket as it would have then.
     */
    void advance(long nowNanos) {
        while (!refunds.isEmpty() && refunds.peek().dueNanos() <= nowNanos) {
            Refund refund = refunds.poll();
            now.nanos = refund.dueNanos();
            bucket.addTokens(refund.units());
        }
        now.nanos = nowNanos;
    }

    /**
     * Nanoseconds until {@code amount} can be taken, 0 when it can be now. A request larger than the whole bucket
     * is let through when the bucket is full, leaving it in debt, because a short burst window must not make a
     * request impossible that the per-minute limit allows.
     */
    long waitNanos(long amount) {
        return amount <= 0 ? 0 : nanosUntil(Math.min(amount * units, capacity));
    }

    /**
     * Charges {@code amount}, which {@link #waitNanos} has let through: ignoring the limit, because a model's
     * requests and tokens are both checked before either is charged, and a request larger than the bucket may
     * take it below zero.
     */
    void take(long amount) {
        if (amount > 0) {
            bucket.consumeIgnoringRateLimits(amount * units);
        }
    }

    /** Gives {@code amount} back once {@code dueNanos} has come; applied lazily by {@link #advance}. */
    void refundAt(long dueNanos, long amount) {
        if (amount > 0) {
            refunds.add(new Refund(dueNanos, amount * units));
        }
    }

    /** What is left, scaled to the per-minute limit as OpenAI's {@code x-ratelimit-remaining-*} headers report it. */
    long remainingPerMinute() {
        long level = bucket.getAvailableTokens();
        if (level <= 0) {
            return 0;
        }
        return Math.min(limit, (long) Math.floor((double) level * limit / capacity));
    }

    /** Nanoseconds until the bucket is full again. */
    long resetNanos() {
        return nanosUntil(capacity);
    }

    /**
     * Bucket4j's wait until the bucket holds {@code needed} units, at least 1 ns when they are not there yet: it
     * rounds down, so a shortfall of less than a nanosecond's refill would otherwise read as no wait at all.
     */
    private long nanosUntil(long needed) {
        EstimationProbe probe = bucket.estimateAbilityToConsume(needed);
        return probe.canBeConsumed() ? 0 : Math.max(1, probe.getNanosToWaitForRefill());
    }

    /** The bucket's time: the instant {@link #advance} last set. */
    private static final class Now implements TimeMeter {
        long nanos;

        Now(long nanos) {
            this.nanos = nanos;
        }

        @Override
        public long currentTimeNanos() {
            return nanos;
        }

        @Override
        public boolean isWallClockBased() {
            return false;
        }
    }

    private record Refund(long dueNanos, long units) {
    }
}
