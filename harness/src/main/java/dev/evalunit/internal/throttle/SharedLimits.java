package dev.evalunit.internal.throttle;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TokensInheritanceStrategy;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.redis.lettuce.cas.LettuceBasedProxyManager;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Rate limits shared by every process that names the same Redis and namespace
 * ({@code evalunit.shared-limits.redis}): per model, one RPM and one TPM bucket in Redis, Bucket4j's
 * distributed buckets (compare-and-swap over Lettuce), which each process's {@link ModelThrottle} draws on
 * besides its own; and a shared pause after a 429. A process keeps its own concurrency. When Redis cannot be
 * reached the gates let requests through on the local buckets alone, with one warning, and try Redis again
 * a few seconds later: a run never fails or stalls because Redis did. Thread-safe.
 */
public final class SharedLimits implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(SharedLimits.class.getName());
    /** How long the gates stay local after Redis failed, before they try it again. */
    private static final long RETRY_REDIS_NANOS = Duration.ofSeconds(5).toNanos();
    /** The share of an account's limit the shared buckets allow. */
    static final double HEADROOM = 0.97;
    /** How long a read of the shared pause is trusted. */
    private static final long PAUSE_CACHE_NANOS = Duration.ofMillis(100).toNanos();

    private final RedisClient client;
    private final StatefulRedisConnection<byte[], byte[]> connection;
    private final LettuceBasedProxyManager<byte[]> buckets;
    private final String namespace;
    private final String where;
    private final Map<String, Gate> gates = new ConcurrentHashMap<>();
    private final AtomicBoolean warned = new AtomicBoolean();
    private volatile long localUntil = Long.MIN_VALUE;

    private SharedLimits(RedisClient client, StatefulRedisConnection<byte[], byte[]> connection, String namespace,
                         String where) {
        this.client = client;
        this.connection = connection;
        this.buckets = LettuceBasedProxyManager.builderFor(connection).build();
        this.namespace = namespace;
        this.where = where;
    }

    /**
     * Connects to {@code redis} ({@code redis://host:port}); {@code namespace} prefixes every key (never the API
     * key: the base URL's host, or what {@code evalunit.shared-limits.namespace} says).
     *
     * @throws IllegalStateException naming the address when Redis cannot be reached at the start
     */
    public static SharedLimits connect(URI redis, String namespace) {
        Objects.requireNonNull(redis, "redis");
        RedisURI uri = RedisURI.create(redis);
        uri.setTimeout(Duration.ofMillis(500)); // a Redis that answers at all answers in milliseconds
        RedisClient client = RedisClient.create(uri);
        // while Redis is away, commands fail at once (the gates go local) instead of waiting for it to come back
        client.setOptions(ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
        try {
            return new SharedLimits(client, client.connect(ByteArrayCodec.INSTANCE), namespace,
                    redis.getHost() + ":" + redis.getPort());
        } catch (RuntimeException unreachable) {
            client.shutdown();
            throw new IllegalStateException("cannot reach Redis at " + redis.getHost() + ":" + redis.getPort()
                    + " (evalunit.shared-limits.redis): " + unreachable.getMessage(), unreachable);
        }
    }

    /** The shared limits of {@code model}. */
    public Gate gate(String model) {
        return gates.computeIfAbsent(model, Gate::new);
    }

    private boolean redisUsable(long now) {
        return now >= localUntil;
    }

    private void failed(Exception e, long now) {
        localUntil = now + RETRY_REDIS_NANOS;
        if (warned.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.WARNING, "Redis at " + where + " (evalunit.shared-limits.redis) cannot be "
                    + "reached (" + e.getMessage() + "); requests go on under this process's own limits until it can");
        }
    }

    @Override
    public void close() {
        try {
            connection.close();
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    /** One model's shared buckets and pause. Thread-safe. */
    public final class Gate {
        private final String prefix;
        private volatile BucketProxy requests;
        private volatile BucketProxy tokens;
        private volatile double requestLimit;
        private volatile double tokenLimit;
        private volatile double wantedRequests;
        private volatile double wantedTokens;
        private volatile double burst = 1;
        private final AtomicLong pauseReadAt = new AtomicLong(Long.MIN_VALUE);
        private volatile long pausedUntilMillis;

        private Gate(String model) {
            this.prefix = "evalunit:limits:" + namespace + ":" + model + ":";
        }

        /**
         * The limits now known (configured, or learned from the server's headers), as per-minute figures with a
         * bucket of {@code burstSeconds} of each; 0 or less for one not known, which stays unlimited. Applied to
         * the shared buckets now, or, while Redis cannot be reached, once it can.
         */
        public void limits(double requestsPerMinute, double tokensPerMinute, double burstSeconds, long now) {
            wantedRequests = requestsPerMinute;
            wantedTokens = tokensPerMinute;
            burst = burstSeconds;
            configure(now);
        }

        /** Configures the buckets whose wanted limit differs from the one they have, when Redis can be reached. */
        private void configure(long now) {
            if (!redisUsable(now)) {
                return;
            }
            try {
                // a bucket is configured again only when its limit changed: a replaced configuration loses the
                // fraction of a token refilled so far, which at every answer would slow every process
                if (Math.abs(wantedRequests - requestLimit) >= 0.5) {
                    requests = bucket(requests, "rpm", wantedRequests, burst);
                    requestLimit = wantedRequests;
                }
                if (Math.abs(wantedTokens - tokenLimit) >= 0.5) {
                    tokens = bucket(tokens, "tpm", wantedTokens, burst);
                    tokenLimit = wantedTokens;
                }
            } catch (RuntimeException e) {
                failed(e, now);
            }
        }

        private BucketProxy bucket(BucketProxy current, String what, double perMinute, double burstSeconds) {
            if (!(perMinute > 0) || !Double.isFinite(perMinute)) {
                return current;
            }
            // A little under the account's limit: requests paced exactly at it reach the server a few
            // milliseconds apart from how they left, and at an empty server bucket the early one is refused.
            double shared = perMinute * HEADROOM;
            long capacity = Math.max(1, (long) Math.floor(shared * burstSeconds / 60));
            BucketConfiguration config = BucketConfiguration.builder()
                    .addLimit(Bandwidth.builder().capacity(capacity).refillGreedy(Math.max(1, (long) shared),
                            Duration.ofMinutes(1)).build())
                    .build();
            if (current == null) {
                return buckets.builder().build((prefix + what).getBytes(StandardCharsets.UTF_8), () -> config);
            }
            current.replaceConfiguration(config, TokensInheritanceStrategy.PROPORTIONALLY);
            return current;
        }

        /**
         * Takes one request and {@code estimatedTokens} from the shared buckets: 0 when both were available,
         * else how many nanoseconds to wait (nothing is taken then). 0 when Redis cannot be reached.
         */
        public long tryTake(long estimatedTokens, long now) {
            configure(now); // limits learned while Redis was away
            BucketProxy r = requests;
            BucketProxy t = tokens;
            if ((r == null && t == null) || !redisUsable(now)) {
                return 0;
            }
            try {
                if (r != null) {
                    ConsumptionProbe probe = r.tryConsumeAndReturnRemaining(1);
                    if (!probe.isConsumed()) {
                        return Math.max(1, probe.getNanosToWaitForRefill());
                    }
                }
                if (t != null && estimatedTokens > 0) {
                    ConsumptionProbe probe = t.tryConsumeAndReturnRemaining(estimatedTokens);
                    if (!probe.isConsumed()) {
                        if (r != null) {
                            r.addTokens(1);
                        }
                        return Math.max(1, probe.getNanosToWaitForRefill());
                    }
                }
                return 0;
            } catch (RuntimeException e) {
                failed(e, now);
                return 0;
            }
        }

        /** Settles a request's tokens: gives back what was reserved beyond its use, or takes what it used beyond. */
        public void settle(long difference, long now) {
            BucketProxy t = tokens;
            if (t == null || difference == 0 || !redisUsable(now)) {
                return;
            }
            try {
                if (difference > 0) {
                    t.addTokens(difference);
                } else {
                    t.consumeIgnoringRateLimits(-difference);
                }
            } catch (RuntimeException e) {
                failed(e, now);
            }
        }

        /** A 429: every process of the namespace pauses this model until {@code untilMillis} (wall clock). */
        public void pause(long untilMillis, long now) {
            pausedUntilMillis = Math.max(pausedUntilMillis, untilMillis);
            if (!redisUsable(now)) {
                return;
            }
            long ms = untilMillis - System.currentTimeMillis();
            if (ms <= 0) {
                return;
            }
            try {
                connection.sync().set((prefix + "pause").getBytes(StandardCharsets.UTF_8),
                        Long.toString(untilMillis).getBytes(StandardCharsets.UTF_8), SetArgs.Builder.px(ms));
            } catch (RuntimeException e) {
                failed(e, now);
            }
        }

        /** How long every process should still pause this model, in nanoseconds; 0 for none. */
        public long pausedNanos(long now) {
            long readAt = pauseReadAt.get();
            if (redisUsable(now) && (readAt == Long.MIN_VALUE || now - readAt > PAUSE_CACHE_NANOS)
                    && pauseReadAt.compareAndSet(readAt, now)) {
                try {
                    byte[] value = connection.sync().get((prefix + "pause").getBytes(StandardCharsets.UTF_8));
                    if (value != null) {
                        pausedUntilMillis = Math.max(pausedUntilMillis,
                                Long.parseLong(new String(value, StandardCharsets.UTF_8)));
                    }
                } catch (RuntimeException e) {
                    failed(e, now);
                }
            }
            long ms = pausedUntilMillis - System.currentTimeMillis();
            return ms <= 0 ? 0 : Duration.ofMillis(ms).toNanos();
        }
    }
}
