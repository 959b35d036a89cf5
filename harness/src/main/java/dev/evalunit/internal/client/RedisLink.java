package dev.evalunit.internal.client;

import dev.evalunit.internal.concurrent.DaemonThreads;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.jedis.Bucket4jJedis;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;

/**
 * One process's link to the Redis that holds its shared limits: the connection pool, Bucket4j's buckets over
 * it, the threads that send the commands, their average round trip, and whether Redis counts as away now.
 * Thread-safe.
 *
 * <p>No throttle waits for Redis: every command runs on one of these threads. A command that fails marks Redis
 * away for {@link #AWAY_NANOS}, during which the gates keep to their local shares instead of meeting the same
 * failure on every request; the first failure is logged once, naming the address (never the password).
 */
final class RedisLink {

    /** Logged under {@link SharedLimits}' name: it is the shared limits a user configures, not this link. */
    private static final System.Logger LOG = System.getLogger(SharedLimits.class.getName());
    /** How long the gates stay local after Redis failed, before they try it again. */
    static final long AWAY_NANOS = Duration.ofSeconds(5).toNanos();
    /** Connections to Redis, and the threads that make the calls: a top-up, a heartbeat, a correction at once. */
    static final int CONNECTIONS = 4;
    /**
     * The longest a Redis command may take. No throttle waits on one, so it can allow a busy machine (four JVMs
     * starting on two cores) its pauses; a Redis that is gone refuses at once.
     */
    static final Duration TIMEOUT = Duration.ofSeconds(2);
    /** Weight of the newest round trip in the average. */
    private static final double ROUND_TRIP_WEIGHT = 0.2;

    private final JedisPool pool;
    private final ProxyManager<byte[]> buckets;
    /** The threads that talk to Redis; no other thread waits for it. */
    private final ExecutorService io;
    private final String where;
    private final AtomicBoolean warned = new AtomicBoolean();
    private volatile long awayUntil = Long.MIN_VALUE;
    /** Average round trip of a bucket command, nanoseconds. */
    private volatile double roundTripNanos = Duration.ofMillis(2).toNanos();

    /** A link over {@code pool}, to the Redis at {@code where} ({@code host:port}, for messages). */
    RedisLink(JedisPool pool, String where, Duration idleBucket) {
        this.pool = pool;
        this.where = where;
        this.buckets = Bucket4jJedis.casBasedBuilder(pool)
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(idleBucket))
                .build();
        this.io = Executors.newFixedThreadPool(CONNECTIONS, DaemonThreads.named("evalunit-shared-limits-io"));
    }

    /** Bucket4j's distributed buckets, stored in this Redis. */
    ProxyManager<byte[]> buckets() {
        return buckets;
    }

    /** A connection of the pool, for a command the caller's thread may wait for (at the start only). */
    Jedis connection() {
        return pool.getResource();
    }

    /** Runs a blocking call to Redis on an io thread; its round trip goes into the average that sizes leases. */
    <T> CompletableFuture<T> call(Supplier<T> command) {
        return CompletableFuture.supplyAsync(() -> {
            long started = System.nanoTime();
            T value = command.get();
            double trip = System.nanoTime() - started;
            roundTripNanos += ROUND_TRIP_WEIGHT * (trip - roundTripNanos);
            return value;
        }, io);
    }

    /** A command sent on its own (a pause, a word of leaving): one connection of the pool for its round trip. */
    <T> CompletableFuture<T> command(Function<Jedis, T> command) {
        return call(() -> {
            try (Jedis redis = pool.getResource()) {
                return command.apply(redis);
            }
        });
    }

    /** The average round trip of a command, nanoseconds. */
    double roundTripNanos() {
        return roundTripNanos;
    }

    /** Whether Redis is to be asked at {@code now}: not within {@link #AWAY_NANOS} of a failure. */
    boolean usable(long now) {
        return now >= awayUntil;
    }

    /** A command failed with {@code e}: Redis counts as away for a while. */
    void failed(Throwable e, long now) {
        awayUntil = now + AWAY_NANOS;
        if (warned.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.WARNING, "Redis at " + where + " (evalunit.shared-limits.redis) cannot be "
                    + "reached (" + RedisConnections.rootMessage(e) + "); requests go on under this process's own limits until it can");
        }
    }

    /** As {@link #failed(Throwable, long)} now, for {@link CompletableFuture#exceptionally}: no value. */
    <T> T failed(Throwable e) {
        failed(e, System.nanoTime());
        return null;
    }

    /** Stops the io threads, e.g. when the first command failed and the link is not kept. */
    void stopThreads() {
        io.shutdownNow();
    }

    /** Stops the io threads and closes the connections. */
    void close() {
        io.shutdownNow();
        pool.close();
    }
}
