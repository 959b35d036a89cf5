package dev.evalunit.internal.client;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TokensInheritanceStrategy;
import io.github.bucket4j.distributed.BucketProxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

/**
 * One shared bucket in Redis (a model's requests or its tokens) and what this process holds of it: taken ahead
 * of need, topped up in the background when it runs low, and given back when it holds more than it should or
 * lies idle. Thread-safe: {@code held}, {@code wanted}, {@code refilling}, {@code retryAt} and {@code usedAt}
 * are guarded by the gate's monitor, which the gate also holds around {@link #covers}, {@link #take} and
 * {@link #want}.
 *
 * <p>A lease is taken from the bucket before it is used, so the processes together never use more than the
 * bucket gives. Bucket4j's own "delaying" optimization was not used: it serves locally first and settles later,
 * which lets the sum go over.
 */
final class Lease {

    /** Round trips of the limit's rate a lease holds, so a top-up arrives before the lease is spent. */
    private static final double LEASE_ROUND_TRIPS = 4;
    /** A lease not drawn on for this long goes back to the shared bucket: it must not become a burst later. */
    private static final long LEASE_IDLE_NANOS = Duration.ofSeconds(1).toNanos();
    /** Configuration versions: increasing within a process, and across processes by the wall clock. */
    private static final AtomicLong VERSIONS = new AtomicLong();

    private final byte[] key;
    private final RedisLink redis;
    private final Object gate;
    private final Wakeups timer;
    private final IntSupplier processes;
    /** Runs when what is held may have grown, or a top-up ended without it (a waiting throttle looks again). */
    private final Runnable leaseCame;
    private volatile BucketProxy bucket;
    private volatile double perMinute;
    private volatile double burstSeconds = 1;
    private long held;
    private long wanted;
    private boolean refilling;
    private long retryAt = Long.MIN_VALUE;
    private long usedAt;

    /**
     * The lease of the bucket at {@code key}; {@code gate} is the monitor that guards it, {@code timer} where a
     * top-up that found the bucket empty is tried again.
     */
    Lease(String key, RedisLink redis, Object gate, Wakeups timer, IntSupplier processes, Runnable leaseCame) {
        this.key = key.getBytes(StandardCharsets.UTF_8);
        this.redis = redis;
        this.gate = gate;
        this.timer = timer;
        this.processes = processes;
        this.leaseCame = leaseCame;
    }

    /** A bucket's capacity: {@code burstSeconds} of the limit, within the headroom. */
    static long capacity(double perMinute, double burstSeconds) {
        return Math.max(1, (long) Math.floor(perMinute * SharedLimits.HEADROOM * burstSeconds / 60));
    }

    /**
     * Writes a changed limit into the shared bucket with the next command (Bucket4j replaces the stored
     * configuration when this version is newer); a bucket is configured again only when its limit changed, since
     * a replaced configuration loses the fraction of a token refilled so far.
     */
    void configure(double limit, double burstSeconds) {
        this.burstSeconds = burstSeconds;
        if (!(limit > 0) || !Double.isFinite(limit) || Math.abs(limit - perMinute) < 0.5) {
            return;
        }
        // A little under the account's limit, and starting half full: requests paced exactly at it reach
        // the server a few milliseconds apart from how they left (more on a busy machine), and at an
        // empty server bucket the early one is refused. Half a bucket left with the server from the
        // start, and the 2 % the server refills beyond ours, are that reserve.
        long capacity = capacity(limit, burstSeconds);
        BucketConfiguration config = BucketConfiguration.builder()
                .addLimit(Bandwidth.builder().capacity(capacity)
                        .refillGreedy(Math.max(1, (long) (limit * SharedLimits.HEADROOM)), Duration.ofMinutes(1))
                        .initialTokens(Math.max(1, capacity / 2)).build())
                .build();
        long version = VERSIONS.updateAndGet(v -> Math.max(v + 1, System.currentTimeMillis()));
        bucket = redis.buckets().builder()
                .withImplicitConfigurationReplacement(version, TokensInheritanceStrategy.PROPORTIONALLY)
                .build(key, () -> config);
        perMinute = limit;
    }

    /** Whether what is held covers {@code n}; a lease with no limit known covers everything. Under the gate. */
    boolean covers(long n) {
        return bucket == null || n == 0 || held >= n;
    }

    /** Under the gate. */
    void take(long n, long now) {
        if (bucket != null) {
            held -= n;
            usedAt = now;
        }
        wanted = 0;
    }

    /** Under the gate. */
    void want(long n) {
        wanted = Math.max(wanted, n);
    }

    /** What is held now. Under the gate. */
    long held() {
        return held;
    }

    /** How long until the shared bucket, found empty, has a token again; 0 when not known to be empty. */
    long retryIn(long now) {
        synchronized (gate) {
            return retryAt == Long.MIN_VALUE ? 0 : Math.max(0, retryAt - now);
        }
    }

    /** What the shared bucket holds now, for tests and benches; -1 when no limit is known. */
    CompletableFuture<Long> available() {
        BucketProxy b = bucket;
        return b == null ? CompletableFuture.completedFuture(-1L) : redis.call(b::getAvailableTokens);
    }

    /** What a lease should hold: a few round trips of the limit's rate, within a share of the bucket. */
    private long chunk() {
        double ratePerNano = perMinute * SharedLimits.HEADROOM / Duration.ofMinutes(1).toNanos();
        long rateChunk = (long) Math.ceil(ratePerNano * redis.roundTripNanos() * LEASE_ROUND_TRIPS);
        long shareOfBucket = Math.max(1, capacity(perMinute, burstSeconds) / (2L * Math.max(1, processes.getAsInt())));
        return Math.max(1, Math.min(rateChunk, shareOfBucket));
    }

    /** Starts a top-up when the lease is below what it should hold and none is under way. */
    void topUp(long now) {
        BucketProxy b = bucket;
        if (b == null) {
            return;
        }
        long need;
        long more;
        synchronized (gate) {
            long chunk = chunk();
            if (refilling || (held >= wanted && held * 2 >= chunk) || now < retryAt) {
                return;
            }
            need = Math.max(1, wanted - held);
            more = Math.max(0, chunk - held - need);
            refilling = true;
        }
        redis.call(() -> b.tryConsumeAndReturnRemaining(need)).whenComplete((ConsumptionProbe probe, Throwable error) -> {
            if (error != null) {
                done(0, Long.MIN_VALUE);
                redis.failed(error, System.nanoTime());
                leaseCame.run(); // the waiting throttle goes on under its local share
                return;
            }
            if (!probe.isConsumed()) {
                // empty: ask again when the bucket has refilled, rounded up to its clock's milliseconds
                long wait = Duration.ofMillis(Duration.ofNanos(probe.getNanosToWaitForRefill() + 999_999)
                        .toMillis() + 1).toNanos();
                done(0, System.nanoTime() + wait);
                timer.schedule(() -> topUp(System.nanoTime()), wait);
                return;
            }
            long extra = Math.min(more, probe.getRemainingTokens());
            if (extra <= 0) {
                done(need, Long.MIN_VALUE);
                leaseCame.run();
                return;
            }
            add(need);
            leaseCame.run();
            redis.call(() -> b.tryConsumeAsMuchAsPossible(extra)).whenComplete((got, failure) -> {
                done(failure == null ? got : 0, Long.MIN_VALUE);
                if (failure != null) {
                    redis.failed(failure, System.nanoTime());
                }
                leaseCame.run();
            });
        });
    }

    private void add(long n) {
        synchronized (gate) {
            held += n;
        }
    }

    private void done(long got, long retry) {
        synchronized (gate) {
            held += got;
            refilling = false;
            retryAt = retry;
        }
    }

    /** A request's settlement: into the lease; what it holds beyond two leases' worth back to Redis. */
    void settle(long difference) {
        long back;
        synchronized (gate) {
            if (bucket == null) {
                return;
            }
            held += difference;
            long chunk = chunk();
            back = held > 2 * chunk ? held - chunk : 0;
        }
        if (back > 0) {
            giveBack(back);
        }
    }

    /** Gives up to {@code n} of what is held back to the shared bucket. */
    CompletableFuture<Void> giveBack(long n) {
        BucketProxy b = bucket;
        long back;
        synchronized (gate) {
            back = Math.min(n, held);
            if (b == null || back <= 0) {
                return CompletableFuture.completedFuture(null);
            }
            held -= back;
        }
        return redis.call(() -> {
            b.addTokens(back);
            return (Void) null;
        }).exceptionally(redis::failed);
    }

    /** Gives everything held back when the lease has not been drawn on for a while. */
    void returnIfIdle(long now) {
        boolean idle;
        synchronized (gate) {
            idle = held > 0 && wanted == 0 && now - usedAt > LEASE_IDLE_NANOS;
        }
        if (idle) {
            giveBack(Long.MAX_VALUE);
        }
    }

    /**
     * Lowers the shared bucket to what the server said it had left ({@code remaining} of {@code limit}) plus
     * what refilled in the {@code sinceSentNanos} since; never raises it.
     */
    CompletableFuture<Void> clamp(long remaining, long limit, long sinceSentNanos) {
        BucketProxy b = bucket;
        double known = perMinute;
        if (b == null || remaining < 0 || limit <= 0 || !(known > 0)) {
            return CompletableFuture.completedFuture(null);
        }
        long capacity = capacity(known, burstSeconds);
        double serverNow = (double) remaining / limit * capacity
                + known * SharedLimits.HEADROOM * Math.max(0, sinceSentNanos) / Duration.ofMinutes(1).toNanos();
        if (serverNow >= capacity) {
            return CompletableFuture.completedFuture(null); // the server has at least a full bucket
        }
        return redis.call(() -> {
            long excess = b.getAvailableTokens() - (long) Math.ceil(serverNow);
            if (excess > 0) {
                b.tryConsumeAsMuchAsPossible(excess);
            }
            return (Void) null;
        });
    }
}
