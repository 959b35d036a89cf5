package dev.evalunit.internal.client;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import redis.clients.jedis.params.SetParams;

/**
 * The pause of one model that a 429 starts for every process of the namespace: a key in Redis holding until
 * when (wall clock), which expires with the pause. Thread-safe.
 *
 * <p>No caller waits for Redis: a pause is written in the background, and what the other processes said is read
 * in the background at most every {@link #READ_EVERY_NANOS}, so a throttle asks for the pause on every dispatch
 * for free.
 */
final class SharedPause {

    /** How long a read of the shared pause is trusted. */
    static final long READ_EVERY_NANOS = Duration.ofMillis(100).toNanos();

    private final RedisLink redis;
    private final byte[] key;
    private final AtomicLong readAt = new AtomicLong(Long.MIN_VALUE);
    private volatile long pausedUntilMillis;

    SharedPause(RedisLink redis, String key) {
        this.redis = redis;
        this.key = key.getBytes(StandardCharsets.UTF_8);
    }

    /** A 429: every process of the namespace pauses this model until {@code untilMillis} (wall clock). */
    void pause(long untilMillis, long now) {
        pausedUntilMillis = Math.max(pausedUntilMillis, untilMillis);
        long ms = untilMillis - System.currentTimeMillis();
        if (!redis.usable(now) || ms <= 0) {
            return;
        }
        byte[] value = Long.toString(untilMillis).getBytes(StandardCharsets.UTF_8);
        redis.command(connection -> connection.set(key, value, SetParams.setParams().px(ms)))
                .exceptionally(redis::failed);
    }

    /**
     * How long every process should still pause this model, in nanoseconds; 0 for none. From what this process
     * knows; what the others said is read in the background.
     */
    long pausedNanos(long now) {
        long last = readAt.get();
        if (redis.usable(now) && (last == Long.MIN_VALUE || now - last > READ_EVERY_NANOS)
                && readAt.compareAndSet(last, now)) {
            redis.command(connection -> connection.get(key))
                    .thenAccept(value -> {
                        if (value != null) {
                            pausedUntilMillis = Math.max(pausedUntilMillis,
                                    Long.parseLong(new String(value, StandardCharsets.UTF_8)));
                        }
                    }).exceptionally(redis::failed);
        }
        long ms = pausedUntilMillis - System.currentTimeMillis();
        return ms <= 0 ? 0 : Duration.ofMillis(ms).toNanos();
    }
}
