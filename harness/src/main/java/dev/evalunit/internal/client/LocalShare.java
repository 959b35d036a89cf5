package dev.evalunit.internal.client;

import java.util.function.IntSupplier;

/**
 * A process's share of one model's shared limits while Redis is away, and for a while after it is back: 1/N of
 * the limits, N the processes last seen, in local buckets. Not thread-safe: guarded by its gate, except
 * {@link #limits}, which only records what a share would be made of.
 *
 * <p>The buckets start empty: the process was drawing on the shared buckets until then, and a full share on top
 * would be a burst the server refuses. They are made at the outage's first request, so the share is of the
 * processes seen then.
 */
final class LocalShare {

    private final IntSupplier processes;
    private volatile double requestsPerMinute;
    private volatile double tokensPerMinute;
    private volatile double burstSeconds = 1;
    /** The share's buckets while it is kept to; {@code null} otherwise. */
    private TokenBucket requests;
    private TokenBucket tokens;
    /** When Redis answered again after an outage (the first take since), or {@link Long#MIN_VALUE}. */
    private long backAt = Long.MIN_VALUE;

    LocalShare(IntSupplier processes) {
        this.processes = processes;
    }

    /** The limits now known, which a share made from now on divides; 0 or less for one not known. */
    void limits(double requestsPerMinute, double tokensPerMinute, double burstSeconds) {
        this.requestsPerMinute = requestsPerMinute;
        this.tokensPerMinute = tokensPerMinute;
        this.burstSeconds = burstSeconds;
    }

    /**
     * Whether this process still keeps to its share: after Redis answers again, the other processes come back to
     * it only as their own retries find it, up to {@link RedisLink#AWAY_NANOS} later, and go on under their shares
     * meanwhile; a process that drew on the shared bucket at once (it starts anew, half full, when Redis lost it)
     * would add the whole limit to theirs. So for that long a process takes from its lease and its share both.
     * Then no more: the next outage starts from the share of the processes seen then.
     */
    boolean stillKept(long now) {
        if (requests == null) {
            return false;
        }
        if (backAt == Long.MIN_VALUE) {
            backAt = now;
        } else if (now - backAt > RedisLink.AWAY_NANOS) {
            requests = null;
            tokens = null;
            backAt = Long.MIN_VALUE;
            return false;
        }
        return true;
    }

    /** Takes while Redis is away, from the share made at the outage's first request: 0, or nanoseconds to wait. */
    long takeLocally(long estimatedTokens, long now) {
        backAt = Long.MIN_VALUE;
        made(now);
        return tryTake(estimatedTokens, now);
    }

    /**
     * Takes one request and {@code estimatedTokens} from the share kept to: 0 when both were there (then both are
     * taken), else nanoseconds to wait (nothing is taken).
     */
    long tryTake(long estimatedTokens, long now) {
        long wait = Math.max(requests.nanosUntil(1, now), tokens.nanosUntil(estimatedTokens, now));
        if (wait == 0) {
            requests.take(1, now);
            tokens.take(estimatedTokens, now);
        }
        return wait;
    }

    /** A request's tokens settled while Redis is away: what it reserved beyond its use comes back. */
    void settle(long difference, long now) {
        made(now);
        tokens.give(difference, now);
    }

    /** The per-minute requests of the share kept to, or 0 when none is or no limit is known. */
    double requestsPerMinute() {
        return requests == null || requests.isUnlimited() ? 0 : requests.perMinute();
    }

    private void made(long now) {
        if (requests == null) {
            int n = processes.getAsInt();
            requests = bucket(requestsPerMinute, n, now);
            tokens = bucket(tokensPerMinute, n, now);
        }
    }

    private TokenBucket bucket(double perMinute, int n, long now) {
        if (!(perMinute > 0) || !Double.isFinite(perMinute)) {
            return TokenBucket.unlimited();
        }
        TokenBucket share = TokenBucket.perMinute(perMinute * SharedLimits.HEADROOM / Math.max(1, n), burstSeconds, now);
        share.take(share.level(now), now);
        return share;
    }
}
