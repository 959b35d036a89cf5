package dev.evalunit.simulator;

import java.time.Duration;
import java.util.PriorityQueue;

/**
 * One per-minute limit of one model, as a token bucket that starts full and refills continuously.
 * Not thread-safe: {@link RateLimits} guards each model's buckets with one lock.
 *
 * <p>Amounts are kept in units of 1/60,000,000 of a request or token, so a bucket refills by exactly
 * {@code limit} units per microsecond and every wait comes out exact for an injected clock (600 RPM:
 * one request per 100 ms, not 99.999).
 */
final class TokenBucket {

    static final long UNITS = 60_000_000L;

    private final long limit;
    private final long capacity;
    private final PriorityQueue<long[]> refunds = new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0]));
    private long level;
    private long lastNanos;

    TokenBucket(long limitPerMinute, Duration burst, long nowNanos) {
        this.limit = limitPerMinute;
        long burstMicros = burst.toNanos() / 1000;
        // Below one whole request or token, the bucket could never admit anything.
        this.capacity = Math.max(limitPerMinute * burstMicros, UNITS);
        this.level = capacity;
        this.lastNanos = nowNanos;
    }

    long limit() {
        return limit;
    }

    /** Applies the refunds that fell due and the refill, up to {@code now}. */
    void advance(long nowNanos) {
        while (!refunds.isEmpty() && refunds.peek()[0] <= nowNanos) {
            long[] refund = refunds.poll();
            refill(refund[0]);
            level = Math.min(capacity, level + refund[1]);
        }
        refill(nowNanos);
    }

    private void refill(long nowNanos) {
        long elapsedMicros = (nowNanos - lastNanos) / 1000;
        if (elapsedMicros <= 0) {
            return;
        }
        lastNanos += elapsedMicros * 1000;
        long deficit = capacity - level;
        // Comparing before multiplying keeps elapsed * limit from overflowing after a long idle spell.
        level = elapsedMicros >= ceilDiv(deficit, limit) ? capacity : level + elapsedMicros * limit;
    }

    /**
     * Nanoseconds until {@code amount} can be taken, 0 when it can be now. A request larger than the
     * whole bucket is let through when the bucket is full, leaving it in debt, because a short burst
     * window must not make a request impossible that the per-minute limit allows.
     */
    long waitNanos(long amount) {
        long needed = Math.min(amount * UNITS, capacity);
        return level >= needed ? 0 : ceilDiv(needed - level, limit) * 1000;
    }

    void take(long amount) {
        level -= amount * UNITS;
    }

    /** Gives {@code amount} back once {@code dueNanos} has come; applied lazily by {@link #advance}. */
    void refundAt(long dueNanos, long amount) {
        if (amount > 0) {
            refunds.add(new long[] {dueNanos, amount * UNITS});
        }
    }

    /** What is left, scaled to the per-minute limit as OpenAI's {@code x-ratelimit-remaining-*} headers report it. */
    long remainingPerMinute() {
        if (level <= 0) {
            return 0;
        }
        return Math.min(limit, (long) Math.floor((double) level * limit / capacity));
    }

    /** Nanoseconds until the bucket is full again. */
    long resetNanos() {
        return level >= capacity ? 0 : ceilDiv(capacity - level, limit) * 1000;
    }

    private static long ceilDiv(long dividend, long divisor) {
        return -Math.floorDiv(-dividend, divisor);
    }
}
