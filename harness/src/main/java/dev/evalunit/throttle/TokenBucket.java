package dev.evalunit.throttle;

/**
 * A token bucket that refills continuously: {@code perMinute / 60} tokens a second up to its
 * capacity. Not thread-safe: {@link ModelThrottle} guards it with its lock. Time is passed in as
 * nanoseconds from an injected clock, so tests are exact and never sleep.
 *
 * <p>A take larger than the capacity is allowed once the bucket is full and drives it negative, so
 * one request bigger than a second's worth of tokens waits for a full bucket instead of forever.
 */
public final class TokenBucket {

    private static final double NANOS_PER_MINUTE = 60e9;

    private double perNano;
    private double capacity;
    private double level;
    private long lastNanos;

    private TokenBucket(double perMinute, double capacity, long nowNanos) {
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
        return perNano * NANOS_PER_MINUTE;
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

    /**
     * Lowers the level to what the server says remains, when the server knows of less than we do
     * (requests from another process on the same key, or a limit enforced more strictly).
     */
    public void clampTo(double remaining, long nowNanos) {
        if (isUnlimited()) {
            return;
        }
        refill(nowNanos);
        level = Math.min(level, remaining);
    }

    /**
     * Lowers the level to the same share of our capacity as the server has left of its limit.
     * OpenAI reports {@code remaining} against the per-minute limit while we hold one second of it,
     * so "1,939 of 60,000 left" means our 1,000-token bucket should hold at most 32.
     */
    public void clampToShare(double remaining, double limit, long nowNanos) {
        if (isUnlimited() || !(limit > 0)) {
            return;
        }
        clampTo(Math.max(0, remaining) / limit * capacity, nowNanos);
    }

    /** Changes the rate (a learned or re-learned limit), keeping the tokens already there. */
    public void setRate(double perMinute, double burstSeconds, long nowNanos) {
        refill(nowNanos);
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
