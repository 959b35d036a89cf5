package dev.evalunit.internal.throttle;

import dev.evalunit.config.OpenAIConfig;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TokensInheritanceStrategy;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.redis.lettuce.cas.LettuceBasedProxyManager;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Rate limits shared by every process that names the same Redis and namespace
 * ({@code evalunit.shared-limits.redis}): per model, one RPM and one TPM bucket in Redis, Bucket4j's
 * distributed buckets (compare-and-swap over Lettuce), which each process's {@link ModelThrottle} draws on
 * besides its own; a shared pause after a 429; and the server's {@code x-ratelimit-remaining-*}, which lower
 * the shared buckets when they hold more than the server has left. A process keeps its own concurrency.
 * Each process says every few seconds that it is there, so each knows how many draw on the limits. When
 * Redis cannot be reached, with one warning, the gates go on under local buckets at this process's share of
 * the limits (1/N of the processes last seen), and try Redis again a few seconds later: a run never fails or
 * stalls because Redis did. Thread-safe.
 */
public final class SharedLimits implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(SharedLimits.class.getName());
    /** How long the gates stay local after Redis failed, before they try it again. */
    private static final long RETRY_REDIS_NANOS = Duration.ofSeconds(5).toNanos();
    /** The share of an account's limit the shared buckets allow. */
    static final double HEADROOM = 0.97;
    /** How long a read of the shared pause is trusted, and how often the server's remaining corrects the buckets. */
    private static final long PAUSE_CACHE_NANOS = Duration.ofMillis(100).toNanos();
    /** How often a process says it is there. */
    private static final long HEARTBEAT_NANOS = Duration.ofSeconds(2).toNanos();
    /** How long a process that said nothing more still counts among those drawing on the limits. */
    private static final long PRESENCE_MILLIS = Duration.ofSeconds(10).toMillis();

    private final RedisClient client;
    private final StatefulRedisConnection<byte[], byte[]> connection;
    private final LettuceBasedProxyManager<byte[]> buckets;
    private final String namespace;
    private final String where;
    private final Map<String, Gate> gates = new ConcurrentHashMap<>();
    private final AtomicBoolean warned = new AtomicBoolean();
    private volatile long localUntil = Long.MIN_VALUE;
    private final byte[] presenceKey;
    private final byte[] self = UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8);
    private final AtomicLong beatAt = new AtomicLong(Long.MIN_VALUE);
    private volatile int processes = 1;

    private SharedLimits(RedisClient client, StatefulRedisConnection<byte[], byte[]> connection, String namespace,
                         String where) {
        this.client = client;
        this.connection = connection;
        this.buckets = LettuceBasedProxyManager.builderFor(connection).build();
        this.namespace = namespace;
        this.where = where;
        this.presenceKey = ("evalunit:limits:" + namespace + ":processes").getBytes(StandardCharsets.UTF_8);
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
            SharedLimits limits = new SharedLimits(client, client.connect(ByteArrayCodec.INSTANCE), namespace,
                    redis.getHost() + ":" + redis.getPort());
            limits.heartbeat(System.nanoTime());
            return limits;
        } catch (RuntimeException unreachable) {
            client.shutdown();
            throw new IllegalStateException("cannot reach Redis at " + redis.getHost() + ":" + redis.getPort()
                    + " (evalunit.shared-limits.redis): " + unreachable.getMessage(), unreachable);
        }
    }

    /**
     * The namespace processes share limits in when {@code evalunit.shared-limits.namespace} does not say: the base
     * URL's host (and port, when it names one) and whose limits they are, as OpenAI counts them: the project when one is set, else the
     * organization, else the API key, as a salted SHA-256 of it (12 hex digits; never the key itself).
     */
    public static String namespaceOf(OpenAIConfig openai) {
        URI base = openai.baseUrl();
        // with its port when it has one: each built-in simulator is a server of its own on a port of its own
        String host = base.getPort() < 0 ? base.getHost() : base.getHost() + ":" + base.getPort();
        if (openai.project() != null && !openai.project().isBlank()) {
            return host + ":" + openai.project().strip();
        }
        if (openai.organization() != null && !openai.organization().isBlank()) {
            return host + ":" + openai.organization().strip();
        }
        if (openai.apiKey() == null) {
            return host;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(("evalunit shared limits\0" + openai.apiKey()).getBytes(StandardCharsets.UTF_8));
            return host + ":key-" + HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }

    /** The shared limits of {@code model}. */
    public Gate gate(String model) {
        return gates.computeIfAbsent(model, Gate::new);
    }

    /** The processes of the namespace last seen, this one included; what a process's share while Redis is away is 1 of. */
    public int processes() {
        return processes;
    }

    /**
     * Says this process is there, and counts those that said so lately, every {@link #HEARTBEAT_NANOS}: one
     * sorted set per namespace, scored by the wall clock of each process's last word.
     */
    private void heartbeat(long now) {
        long last = beatAt.get();
        if (!redisUsable(now) || (last != Long.MIN_VALUE && now - last < HEARTBEAT_NANOS)
                || !beatAt.compareAndSet(last, now)) {
            return;
        }
        try {
            RedisCommands<byte[], byte[]> redis = connection.sync();
            long millis = System.currentTimeMillis();
            redis.zadd(presenceKey, millis, self);
            redis.zremrangebyscore(presenceKey, Range.create(0, millis - PRESENCE_MILLIS));
            redis.pexpire(presenceKey, PRESENCE_MILLIS * 6);
            processes = (int) Math.max(1, redis.zcard(presenceKey));
        } catch (RuntimeException e) {
            failed(e, now);
        }
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
            if (redisUsable(System.nanoTime())) {
                connection.sync().zrem(presenceKey, self); // the others' share while Redis is away grows now
            }
        } catch (RuntimeException e) {
            // Redis is away: this process's word expires by itself
        }
        try {
            connection.close();
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    /**
     * One model's shared buckets and pause; while Redis is away, this process's share of them in local buckets.
     * Thread-safe.
     */
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
        private final AtomicLong correctedAt = new AtomicLong(Long.MIN_VALUE);
        private volatile long pausedUntilMillis;
        /** While Redis is away: this process's share of the limits, or {@code null} while it is there. */
        private volatile Share share;

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
            // A little under the account's limit, and starting half full: requests paced exactly at it reach
            // the server a few milliseconds apart from how they left (more on a busy machine), and at an empty
            // server bucket the early one is refused. Half a bucket left with the server from the start, and
            // the 3 % the server refills beyond ours, are that reserve.
            double shared = perMinute * HEADROOM;
            long capacity = capacity(perMinute, burstSeconds);
            BucketConfiguration config = BucketConfiguration.builder()
                    .addLimit(Bandwidth.builder().capacity(capacity)
                            .refillGreedy(Math.max(1, (long) shared), Duration.ofMinutes(1))
                            .initialTokens(Math.max(1, capacity / 2)).build())
                    .build();
            if (current == null) {
                return buckets.builder().build((prefix + what).getBytes(StandardCharsets.UTF_8), () -> config);
            }
            current.replaceConfiguration(config, TokensInheritanceStrategy.PROPORTIONALLY);
            return current;
        }

        private static long capacity(double perMinute, double burstSeconds) {
            return Math.max(1, (long) Math.floor(perMinute * HEADROOM * burstSeconds / 60));
        }

        /**
         * Takes one request and {@code estimatedTokens} from the shared buckets: 0 when both were available,
         * else how many nanoseconds to wait (nothing is taken then). While Redis cannot be reached, from this
         * process's share of the limits instead.
         */
        public long tryTake(long estimatedTokens, long now) {
            heartbeat(now);
            configure(now); // limits learned while Redis was away
            if (!redisUsable(now)) {
                return takeLocally(estimatedTokens, now);
            }
            share = null; // the next outage starts from the share of the processes seen then
            BucketProxy r = requests;
            BucketProxy t = tokens;
            if (r == null && t == null) {
                return 0;
            }
            try {
                if (r != null) {
                    ConsumptionProbe probe = r.tryConsumeAndReturnRemaining(1);
                    if (!probe.isConsumed()) {
                        return retryIn(probe);
                    }
                }
                if (t != null && estimatedTokens > 0) {
                    ConsumptionProbe probe = t.tryConsumeAndReturnRemaining(estimatedTokens);
                    if (!probe.isConsumed()) {
                        if (r != null) {
                            r.addTokens(1);
                        }
                        return retryIn(probe);
                    }
                }
                return 0;
            } catch (RuntimeException e) {
                failed(e, now);
                return takeLocally(estimatedTokens, now);
            }
        }

        /** Takes from this process's share of the limits, made at the outage's first request. */
        private synchronized long takeLocally(long estimatedTokens, long now) {
            return local(now).tryTake(estimatedTokens, now);
        }

        private synchronized Share local(long now) {
            if (share == null) {
                share = new Share(wantedRequests, wantedTokens, burst, processes, now);
            }
            return share;
        }

        /**
         * The per-minute requests this process allows itself while Redis is away (its share of the limit), or 0
         * while Redis is there or no limit is known.
         */
        public synchronized double localRequestsPerMinute() {
            Share local = share;
            return local == null || local.requests.isUnlimited() ? 0 : local.requests.perMinute();
        }

        /**
         * When to ask a refusing bucket again. Shared buckets keep wall-clock time in milliseconds (the clock
         * processes share), so a wait to the nanosecond wakes before the bucket's clock has moved and is
         * refused again, a millisecond at a time: thousands of reads of Redis a second per process. The wait
         * is rounded up to the next millisecond, and one more.
         */
        private static long retryIn(ConsumptionProbe refused) {
            long millis = Duration.ofNanos(Math.max(0, refused.getNanosToWaitForRefill()) + 999_999).toMillis();
            return Duration.ofMillis(millis + 1).toNanos();
        }

        /** Settles a request's tokens: gives back what was reserved beyond its use, or takes what it used beyond. */
        public void settle(long difference, long now) {
            if (difference == 0) {
                return;
            }
            if (!redisUsable(now)) {
                synchronized (this) {
                    local(now).settle(difference, now);
                }
                return;
            }
            BucketProxy t = tokens;
            if (t == null) {
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

        /**
         * What the server said it had left when it admitted a request sent {@code sinceSentNanos} ago (its
         * {@code x-ratelimit-remaining-*} of its {@code x-ratelimit-limit-*}; -1 for a header it did not send):
         * a shared bucket that holds more than that, plus what refilled since, gives the difference up, so
         * every process sees the correction. Requests sent since are counted on both sides, so the estimate
         * errs towards the server having more; at most one correction per 100 ms.
         */
        public void correct(long remainingRequests, long limitRequests, long remainingTokens, long limitTokens,
                            long sinceSentNanos, long now) {
            long last = correctedAt.get();
            if (!redisUsable(now) || (last != Long.MIN_VALUE && now - last < PAUSE_CACHE_NANOS)
                    || !correctedAt.compareAndSet(last, now)) {
                return;
            }
            try {
                clamp(requests, requestLimit, remainingRequests, limitRequests, sinceSentNanos);
                clamp(tokens, tokenLimit, remainingTokens, limitTokens, sinceSentNanos);
            } catch (RuntimeException e) {
                failed(e, now);
            }
        }

        private void clamp(BucketProxy bucket, double perMinute, long remaining, long limit, long sinceSentNanos) {
            if (bucket == null || remaining < 0 || limit <= 0 || !(perMinute > 0)) {
                return;
            }
            long capacity = capacity(perMinute, burst);
            double serverNow = (double) remaining / limit * capacity
                    + perMinute * HEADROOM * Math.max(0, sinceSentNanos) / Duration.ofMinutes(1).toNanos();
            if (serverNow >= capacity) {
                return; // the server has at least what a full bucket holds: nothing to correct
            }
            long excess = bucket.getAvailableTokens() - (long) Math.ceil(serverNow);
            if (excess > 0) {
                bucket.tryConsumeAsMuchAsPossible(excess);
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

    /**
     * A process's share of a model's limits while Redis is away: 1/N of the shared limits, N the processes
     * last seen, in local buckets that start full. Guarded by its gate.
     */
    private static final class Share {
        final TokenBucket requests;
        final TokenBucket tokens;

        Share(double requestsPerMinute, double tokensPerMinute, double burstSeconds, int processes, long now) {
            this.requests = bucket(requestsPerMinute, burstSeconds, processes, now);
            this.tokens = bucket(tokensPerMinute, burstSeconds, processes, now);
        }

        private static TokenBucket bucket(double perMinute, double burstSeconds, int processes, long now) {
            return perMinute > 0 && Double.isFinite(perMinute)
                    ? TokenBucket.perMinute(perMinute * HEADROOM / Math.max(1, processes), burstSeconds, now)
                    : TokenBucket.unlimited();
        }

        long tryTake(long estimatedTokens, long now) {
            long wait = Math.max(requests.nanosUntil(1, now), tokens.nanosUntil(estimatedTokens, now));
            if (wait == 0) {
                requests.take(1, now);
                tokens.take(estimatedTokens, now);
            }
            return wait;
        }

        void settle(long difference, long now) {
            tokens.give(difference, now);
        }
    }
}
