package dev.evalunit.internal.client;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.apiguardian.api.API;

/**
 * One model's limits shared with the other processes of a namespace, as a {@link ModelThrottle} draws on them:
 * a {@link Lease} each of the shared RPM and TPM buckets, the {@link SharedPause} after a 429, the corrections
 * from the server's {@code x-ratelimit-remaining-*}, and while Redis is away this process's {@link LocalShare}.
 * No method waits for Redis. Thread-safe: the leases and the share are guarded by this gate's monitor.
 */
@API(status = INTERNAL, since = "0.1")
public final class SharedGate {

    /** How often the server's remaining corrects the shared buckets, at most. */
    private static final long CORRECT_EVERY_NANOS = SharedPause.READ_EVERY_NANOS;
    /** How long a throttle waiting for a lease sleeps before it looks again, should no wake-up come. */
    private static final long LEASE_WAIT_NANOS = Duration.ofMillis(50).toNanos();

    private final RedisLink redis;
    private final Lease requests;
    private final Lease tokens;
    private final SharedPause pause;
    private final LocalShare share;
    private final List<Runnable> leaseListeners = new CopyOnWriteArrayList<>();
    private final AtomicLong correctedAt = new AtomicLong(Long.MIN_VALUE);

    SharedGate(String namespace, String model, RedisLink redis, Presence presence, Wakeups timer) {
        String prefix = "evalunit:limits:" + namespace + ":" + model + ":";
        this.redis = redis;
        this.requests = new Lease(prefix + "rpm", redis, this, timer, presence::processes, this::leaseCame);
        this.tokens = new Lease(prefix + "tpm", redis, this, timer, presence::processes, this::leaseCame);
        this.pause = new SharedPause(redis, prefix + "pause");
        this.share = new LocalShare(presence::processes);
    }

    /** Runs {@code listener} (on a thread that talks to Redis: it must not block) when a lease comes in. */
    public void onLease(Runnable listener) {
        leaseListeners.add(listener);
    }

    private void leaseCame() {
        leaseListeners.forEach(Runnable::run);
    }

    /**
     * The limits now known (configured, or learned from the server's headers), as per-minute figures with a
     * bucket of {@code burstSeconds} of each; 0 or less for one not known, which stays unlimited. A limit
     * that changed is written into the shared bucket with this process's next command to it, replacing
     * what another process, or an earlier run, wrote there before.
     */
    public void limits(double requestsPerMinute, double tokensPerMinute, double burstSeconds, long now) {
        share.limits(requestsPerMinute, tokensPerMinute, burstSeconds);
        requests.configure(requestsPerMinute, burstSeconds);
        tokens.configure(tokensPerMinute, burstSeconds);
    }

    /**
     * Takes one request and {@code estimatedTokens} from what this process holds of the shared buckets: 0 when
     * both were there, else how many nanoseconds to wait (nothing is taken then; the lease is being topped
     * up, and {@link #onLease} listeners run when it comes). While Redis cannot be reached, from this
     * process's share of the limits instead.
     */
    public long tryTake(long estimatedTokens, long now) {
        if (!redis.usable(now)) {
            synchronized (this) {
                return share.takeLocally(estimatedTokens, now);
            }
        }
        long neededTokens = Math.max(0, estimatedTokens);
        boolean taken;
        long shareWait = 0;
        synchronized (this) {
            boolean outage = share.stillKept(now);
            taken = requests.covers(1) && tokens.covers(neededTokens);
            if (taken && outage) {
                shareWait = share.tryTake(neededTokens, now);
                taken = shareWait == 0;
            }
            if (taken) {
                requests.take(1, now);
                tokens.take(neededTokens, now);
            } else {
                requests.want(1);
                tokens.want(neededTokens);
            }
        }
        requests.topUp(now);
        tokens.topUp(now);
        if (taken) {
            return 0;
        }
        return shareWait > 0 ? shareWait
                : Math.max(LEASE_WAIT_NANOS, Math.max(requests.retryIn(now), tokens.retryIn(now)));
    }

    /**
     * The per-minute requests this process allows itself while Redis is away (its share of the limit), or 0
     * while Redis is there or no limit is known.
     */
    public synchronized double localRequestsPerMinute() {
        return share.requestsPerMinute();
    }

    /**
     * Settles a request's tokens: what was reserved beyond its use goes back to this process's lease (beyond
     * what the lease should hold, back to Redis), what it used beyond is taken from the lease.
     */
    public void settle(long difference, long now) {
        if (difference == 0) {
            return;
        }
        if (!redis.usable(now)) {
            synchronized (this) {
                share.settle(difference, now);
            }
            return;
        }
        tokens.settle(difference);
    }

    /**
     * What the server said it had left when it admitted a request sent {@code sinceSentNanos} ago (its
     * {@code x-ratelimit-remaining-*} of its {@code x-ratelimit-limit-*}; -1 for a header it did not send):
     * a shared bucket that holds more than that, plus what refilled since, gives the difference up, so
     * every process sees the correction. Requests sent since are counted on both sides, so the estimate
     * errs towards the server having more; at most one correction per 100 ms, sent without waiting.
     *
     * @return when the correction is done (for tests; a throttle does not wait)
     */
    public CompletableFuture<Void> correct(long remainingRequests, long limitRequests, long remainingTokens,
                                           long limitTokens, long sinceSentNanos, long now) {
        long last = correctedAt.get();
        if (!redis.usable(now) || (last != Long.MIN_VALUE && now - last < CORRECT_EVERY_NANOS)
                || !correctedAt.compareAndSet(last, now)) {
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.allOf(
                requests.clamp(remainingRequests, limitRequests, sinceSentNanos),
                tokens.clamp(remainingTokens, limitTokens, sinceSentNanos)).exceptionally(redis::failed);
    }

    /** A 429: every process of the namespace pauses this model until {@code untilMillis} (wall clock). */
    public void pause(long untilMillis, long now) {
        pause.pause(untilMillis, now);
    }

    /**
     * How long every process should still pause this model, in nanoseconds; 0 for none. From what this
     * process knows; what the others said is read in the background, at most every 100 ms.
     */
    public long pausedNanos(long now) {
        return pause.pausedNanos(now);
    }

    /**
     * What the shared bucket of requests ({@code "rpm"}) or tokens ({@code "tpm"}) holds now, for tests and
     * benches; -1 when no limit is known.
     */
    public CompletableFuture<Long> available(String what) {
        return ("rpm".equals(what) ? requests : tokens).available();
    }

    /** What this process holds of the shared buckets now: requests and tokens (for tests). */
    public synchronized long[] leased() {
        return new long[] {requests.held(), tokens.held()};
    }

    /** Gives back what a lease not drawn on lately holds. */
    void returnIdle(long now) {
        requests.returnIfIdle(now);
        tokens.returnIfIdle(now);
    }

    /** Gives back all that is held, at the end. */
    CompletableFuture<Void> returnAll() {
        return CompletableFuture.allOf(requests.giveBack(Long.MAX_VALUE), tokens.giveBack(Long.MAX_VALUE));
    }
}
