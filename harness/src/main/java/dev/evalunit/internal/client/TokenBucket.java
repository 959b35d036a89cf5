package dev.evalunit.internal.client;

import static org.apiguardian.api.API.Status.INTERNAL;

import org.apiguardian.api.API;

/**
 * A token bucket that refills continuously: {@code perMinute / 60} tokens a second up to its
 * capacity. Not thread-safe: {@link ModelThrottle} guards it with its lock. Time is passed in as
 * nanoseconds from an injected clock, so tests are exact and never sleep.
 *
 * <p>A take larger than the capacity is allowed once the bucket is full and drives it negative, so
 * one request bigger than a second's worth of tokens waits for a full bucket instead of forever.
 */
@API(status = INTERNAL, since = "0.1")
final class TokenBucket {

    private static final double NANOS_PER_MINUTE = 60e9;

    /** The rate as given: {@code perNano * 60e9} does not give it back (60 comes back as 60.00000000000001). */
    private double perMinute;
    private double perNano;
    private double capacity;
    private double level;
    private long lastNanos;
    private double corrections;

    private TokenBucket(double perMinute, double capacity, long nowNanos) {
        this.perMinute = perMinute;
        this.perNano = perMinute / NANOS_PER_MINUTE;
        this.capacity = capacity;
        this.level = capacity;
        this.lastNanos = nowNanos;
    }

    /**
     * A full bucket for a per-minute limit whose burst is {@code burstSeconds} worth of tokens (at
     * least one token).
     */
    public static TokenBucket perMinute(double perMinute, double burstSeconds, long nowNanos) {
        if (!(perMinute > 0)) {
            throw new IllegalArgumentException("a token bucket needs a rate > 0 but was " + perMinute);
        }
        return new TokenBucket(perMinute, capacityFor(perMinute, burstSeconds), nowNanos);
    }

    /** A bucket that never runs out. */
    public static TokenBucket unlimited() {
        return new TokenBucket(0, Double.POSITIVE_INFINITY, 0);
    }

    private static double capacityFor(double perMinute, double burstSeconds) {
        return Math.max(1, perMinute * burstSeconds / 60);
    }

    public boolean isUnlimited() {
        return capacity == Double.POSITIVE_INFINITY;
    }

    /** The per-minute rate, or 0 when unlimited. */
    public double perMinute() {
        return perMinute;
    }

    public double capacity() {
        return capacity;
    }

    /** The tokens available now (may be negative after an oversized take). */
    public double level(long nowNanos) {
        refill(nowNanos);
        return level;
    }

    /** Nanoseconds until {@code amount} tokens can be taken; 0 when they can be taken now. */
    public long nanosUntil(double amount, long nowNanos) {
        if (isUnlimited()) {
            return 0;
        }
        refill(nowNanos);
        double needed = Math.min(amount, capacity) - level;
        if (needed <= 0) {
            return 0;
        }
        return (long) Math.ceil(needed / perNano);
    }

    /** Takes {@code amount} tokens; the caller has checked {@link #nanosUntil} first. */
    public void take(double amount, long nowNanos) {
        if (isUnlimited()) {
            return;
        }
        refill(nowNanos);
        level -= amount;
    }

    /** Gives tokens back (a refund of an over-estimate), or takes more when {@code amount} is negative. */
    public void give(double amount, long nowNanos) {
        if (isUnlimited()) {
            return;
        }
        refill(nowNanos);
        level = Math.min(capacity, level + amount);
    }

    /** Lowers the level to at most {@code level}: a bucket just learned starts where the server is. */
    public void clampTo(double level, long nowNanos) {
        if (isUnlimited()) {
            return;
        }
        refill(nowNanos);
        this.level = Math.min(this.level, level);
    }

    /** Tokens taken away so far by {@link #syncTo}; a request remembers it when sent. */
    public double corrections() {
        return corrections;
    }

    /**
     * Brings the bucket in step with the server. {@code levelAtSend} was our level right after a
     * request took its tokens, {@code correctionsAtSend} was {@link #corrections()} then, and
     * {@code serverLevel} is what the server had left right after admitting that request. When we
     * believed we had more than the server did, the difference is taken now: requests sent since
     * are already counted on both sides, so this corrects a drift (a refill clock that started
     * earlier than the server's, another process on the same key) without counting anything twice.
     */
    public void syncTo(double levelAtSend, double correctionsAtSend, double serverLevel, long nowNanos) {
        if (isUnlimited()) {
            return;
        }
        double ahead = levelAtSend - (corrections - correctionsAtSend) - serverLevel;
        if (ahead > 0) {
            refill(nowNanos);
            level -= ahead;
            corrections += ahead;
        }
    }

    /** Changes the rate (a learned or re-learned limit), keeping the tokens already there. */
    public void setRate(double perMinute, double burstSeconds, long nowNanos) {
        refill(nowNanos);
        this.perMinute = perMinute;
        this.perNano = perMinute / NANOS_PER_MINUTE;
        this.capacity = capacityFor(perMinute, burstSeconds);
        this.level = Math.min(level, capacity);
    }

    private void refill(long nowNanos) {
        long elapsed = nowNanos - lastNanos;
        if (elapsed > 0) {
            level = Math.min(capacity, level + elapsed * perNano);
            lastNanos = nowNanos;
        }
    }

    @Override
    public String toString() {
        return isUnlimited() ? "TokenBucket[unlimited]"
                : String.format("TokenBucket[%.0f/min, capacity %.1f, level %.1f]", perMinute(), capacity, level);
    }
}
