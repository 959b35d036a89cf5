package dev.evalunit.internal.client;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;

/**
 * This process's word, in Redis, that it draws on a namespace's shared limits, and the count of the processes
 * that said so lately: what a process's share is 1 of while Redis is away, and what a lease is sized by.
 * Thread-safe.
 *
 * <p>One sorted set per namespace, scored by the wall clock of each process's last word, so a process that died
 * without a word of leaving drops out by itself after {@link #PRESENCE_MILLIS}.
 */
final class Presence {

    /** How long a process that said nothing more still counts among those drawing on the limits. */
    private static final long PRESENCE_MILLIS = Duration.ofSeconds(10).toMillis();

    private final RedisLink redis;
    private final byte[] key;
    private final byte[] self = UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8);
    private volatile int processes = 1;

    Presence(RedisLink redis, String namespace) {
        this.redis = redis;
        this.key = ("evalunit:limits:" + namespace + ":processes").getBytes(StandardCharsets.UTF_8);
    }

    /** The processes of the namespace last seen, this one included. */
    int processes() {
        return processes;
    }

    /**
     * Says this process is there, and counts those that said so lately; one round trip. Blocks: on an io thread,
     * or at the start, where a failure means Redis cannot be reached.
     */
    void announce() {
        long millis = System.currentTimeMillis();
        try (Jedis connection = redis.connection()) {
            Pipeline pipeline = connection.pipelined();
            pipeline.zadd(key, millis, self);
            pipeline.zremrangeByScore(key, 0, millis - PRESENCE_MILLIS);
            pipeline.pexpire(key, PRESENCE_MILLIS * 6);
            Response<Long> count = pipeline.zcard(key);
            pipeline.sync();
            processes = (int) Math.max(1, count.get());
        }
    }

    /** The timer's heartbeat: {@link #announce} without waiting; a failed one counts as Redis being away. */
    void beat() {
        if (redis.usable(System.nanoTime())) {
            redis.call(() -> {
                announce();
                return null;
            }).exceptionally(redis::failed);
        }
    }

    /** Takes this process's word back, so the others' shares while Redis is away grow at once. */
    CompletableFuture<Long> leave() {
        return redis.command(connection -> connection.zrem(key, self));
    }
}
