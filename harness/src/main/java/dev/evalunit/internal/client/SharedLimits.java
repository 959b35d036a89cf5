package dev.evalunit.internal.client;

import dev.evalunit.config.OpenAIConfig;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TokensInheritanceStrategy;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.jedis.Bucket4jJedis;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.params.SetParams;

/**
 * Rate limits shared by every process that names the same Redis and namespace
 * ({@code evalunit.shared-limits.redis}): per model, one RPM and one TPM bucket in Redis, Bucket4j's
 * distributed buckets (compare-and-swap over Jedis), which each process's {@link ModelThrottle} draws on
 * besides its own; a shared pause after a 429; and the server's {@code x-ratelimit-remaining-*}, which lower
 * the shared buckets when they hold more than the server has left. A process keeps its own concurrency.
 *
 * <p><b>Leases.</b> No call a throttle makes waits for Redis: a process takes requests and tokens from the
 * shared buckets ahead of need, a few round trips' worth of the limit's rate at a time, and its throttle draws
 * on that lease in memory; the lease is topped up in the background when it runs low, and a throttle waiting
 * for it is woken when it comes ({@link Gate#onLease}). What a request reserved beyond its use goes back to
 * the lease, and what the lease holds beyond need back to Redis. A lease is taken from the bucket before it is
 * used, so the processes together never use more than the bucket gives. Bucket4j's own "delaying"
 * optimization was not used: it serves locally first and settles later, which lets the sum go over.
 *
 * <p><b>Limits that change.</b> Each process writes the limits it knows (configured, or learned from the
 * server's headers) into the buckets with a version, the time it learned them: Bucket4j replaces a bucket's
 * configuration when a process brings a newer one, so a run after a tier upgrade or with another
 * {@code rate-limit.rpm} is not paced by an earlier run's limits. A bucket no process uses expires a minute
 * after it would be full again.
 *
 * <p>Each process says every 2 s, on a timer of its own, that it is there, so each knows how many draw on the
 * limits. When Redis cannot be reached, with one warning, the gates go on under local buckets at this
 * process's share of the limits (1/N of the processes last seen), and try Redis again a few seconds later: a
 * run never fails or stalls because Redis did. Thread-safe.
 */
public final class SharedLimits implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(SharedLimits.class.getName());
    /** How long the gates stay local after Redis failed, before they try it again. */
    private static final long RETRY_REDIS_NANOS = Duration.ofSeconds(5).toNanos();
    /** The share of an account's limit the shared buckets allow. */
    static final double HEADROOM = 0.98;
    /** How long a read of the shared pause is trusted, and how often the server's remaining corrects the buckets. */
    private static final long PAUSE_CACHE_NANOS = Duration.ofMillis(100).toNanos();
    /** How often a process says it is there. */
    static final Duration HEARTBEAT = Duration.ofSeconds(2);
    /** How long a process that said nothing more still counts among those drawing on the limits. */
    private static final long PRESENCE_MILLIS = Duration.ofSeconds(10).toMillis();
    /** How long a bucket no process uses stays in Redis after it would be full again. */
    static final Duration IDLE_BUCKET = Duration.ofMinutes(1);
    /**
     * The longest a Redis command may take. No throttle waits on one, so it can allow a busy machine (four JVMs
     * starting on two cores) its pauses; a Redis that is gone refuses at once.
     */
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    /** Round trips of the limit's rate a lease holds, so a top-up arrives before the lease is spent. */
    private static final double LEASE_ROUND_TRIPS = 4;
    /** A lease not drawn on for this long goes back to the shared bucket: it must not become a burst later. */
    private static final long LEASE_IDLE_NANOS = Duration.ofSeconds(1).toNanos();
    /** How long a throttle waiting for a lease sleeps before it looks again, should no wake-up come. */
    private static final long LEASE_WAIT_NANOS = Duration.ofMillis(50).toNanos();
    /** Connections to Redis, and the threads that make the calls: a top-up, a heartbeat, a correction at once. */
    private static final int CONNECTIONS = 4;
    /** Weight of the newest round trip in the average. */
    private static final double ROUND_TRIP_WEIGHT = 0.2;
    /** Configuration versions: increasing within a process, and across processes by the wall clock. */
    private static final AtomicLong VERSIONS = new AtomicLong();

    private final JedisPool pool;
    private final ProxyManager<byte[]> buckets;
    /** The threads that talk to Redis; no other thread waits for it. */
    private final ExecutorService io;
    private final ScheduledExecutorService timer;
    private final String namespace;
    private final String where;
    private final Map<String, Gate> gates = new ConcurrentHashMap<>();
    private final AtomicBoolean warned = new AtomicBoolean();
    private volatile long localUntil = Long.MIN_VALUE;
    private final byte[] presenceKey;
    private final byte[] self = UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8);
    private volatile int processes = 1;
    /** Average round trip of a bucket command, nanoseconds. */
    private volatile double roundTripNanos = Duration.ofMillis(2).toNanos();

    private SharedLimits(JedisPool pool, String namespace, String where) {
        this.pool = pool;
        this.buckets = Bucket4jJedis.casBasedBuilder(pool)
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(IDLE_BUCKET))
                .build();
        this.namespace = namespace;
        this.where = where;
        this.presenceKey = ("evalunit:limits:" + namespace + ":processes").getBytes(StandardCharsets.UTF_8);
        this.timer = Executors.newSingleThreadScheduledExecutor(daemon("evalunit-shared-limits"));
        this.io = Executors.newFixedThreadPool(CONNECTIONS, daemon("evalunit-shared-limits-io"));
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Connects to {@code redis} ({@code redis://host:port}, {@code rediss://} for TLS, a password as
     * {@code redis://:password@host:port}); {@code namespace} prefixes every key (never the API key: the base
     * URL's host, or what {@code evalunit.shared-limits.namespace} says).
     *
     * @param trustedCertificates PEM certificates a {@code rediss://} server's certificate is checked against
     *                            ({@code evalunit.shared-limits.redis-ca}), or {@code null} for the JVM's own
     * @throws IllegalStateException naming the address (never the password) when Redis cannot be reached at the start
     */
    public static SharedLimits connect(URI redis, String namespace, Path trustedCertificates) {
        Objects.requireNonNull(redis, "redis");
        int port = redis.getPort() < 0 ? 6379 : redis.getPort();
        String where = redis.getHost() + ":" + port;
        JedisPool pool = null;
        try {
            pool = RedisConnections.pool(redis, trustedCertificates, CONNECTIONS, TIMEOUT);
            SharedLimits limits = new SharedLimits(pool, namespace, where);
            try {
                limits.presence();
            } catch (RuntimeException unreachable) {
                limits.io.shutdownNow();
                limits.timer.shutdownNow();
                throw unreachable;
            }
            limits.timer.scheduleWithFixedDelay(limits::beat, HEARTBEAT.toMillis(), HEARTBEAT.toMillis(),
                    TimeUnit.MILLISECONDS);
            limits.timer.scheduleWithFixedDelay(limits::returnIdleLeases, 1, 1, TimeUnit.SECONDS);
            return limits;
        } catch (Exception unreachable) {
            if (pool != null) {
                pool.close();
            }
            throw new IllegalStateException("cannot reach Redis at " + where + " (evalunit.shared-limits.redis): "
                    + RedisConnections.explain(unreachable, redis, trustedCertificates));
        }
    }

    /** As {@link #connect(URI, String, Path)}, trusting the JVM's certificates. */
    public static SharedLimits connect(URI redis, String namespace) {
        return connect(redis, namespace, null);
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

    /** The average round trip of a command to Redis, as this process measured it. */
    public Duration roundTrip() {
        return Duration.ofNanos((long) roundTripNanos);
    }

    /** The timer's heartbeat; a failed one counts as Redis being away. */
    private void beat() {
        long now = System.nanoTime();
        if (redisUsable(now)) {
            call(() -> {
                presence();
                return null;
            }).exceptionally(e -> {
                failed(e, System.nanoTime());
                return null;
            });
        }
    }

    /**
     * Says this process is there, and counts those that said so lately: one sorted set per namespace, scored by
     * the wall clock of each process's last word; one round trip. Blocks: on an io thread, or at the start.
     */
    private void presence() {
        long millis = System.currentTimeMillis();
        try (Jedis redis = pool.getResource()) {
            Pipeline pipeline = redis.pipelined();
            pipeline.zadd(presenceKey, millis, self);
            pipeline.zremrangeByScore(presenceKey, 0, millis - PRESENCE_MILLIS);
            pipeline.pexpire(presenceKey, PRESENCE_MILLIS * 6);
            Response<Long> count = pipeline.zcard(presenceKey);
            pipeline.sync();
            processes = (int) Math.max(1, count.get());
        }
    }

    /** Runs a blocking call to Redis on an io thread; its round trip goes into the average that sizes leases. */
    private <T> CompletableFuture<T> call(Supplier<T> command) {
        return CompletableFuture.supplyAsync(() -> {
            long started = System.nanoTime();
            T value = command.get();
            double trip = System.nanoTime() - started;
            roundTripNanos += ROUND_TRIP_WEIGHT * (trip - roundTripNanos);
            return value;
        }, io);
    }

    /** A command sent on its own (a pause, a word of leaving): one connection of the pool for its round trip. */
    private <T> CompletableFuture<T> command(Function<Jedis, T> command) {
        return call(() -> {
            try (Jedis redis = pool.getResource()) {
                return command.apply(redis);
            }
        });
    }

    private void returnIdleLeases() {
        long now = System.nanoTime();
        if (redisUsable(now)) {
            gates.values().forEach(gate -> gate.returnIdle(now));
        }
    }

    private boolean redisUsable(long now) {
        return now >= localUntil;
    }

    private void failed(Throwable e, long now) {
        localUntil = now + RETRY_REDIS_NANOS;
        if (warned.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.WARNING, "Redis at " + where + " (evalunit.shared-limits.redis) cannot be "
                    + "reached (" + RedisConnections.rootMessage(e) + "); requests go on under this process's own limits until it can");
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            if (redisUsable(System.nanoTime())) {
                CompletableFuture<?>[] returned = gates.values().stream().map(Gate::returnAll)
                        .toArray(CompletableFuture[]::new);
                CompletableFuture.allOf(returned).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                // the others' share while Redis is away grows now
                command(redis -> redis.zrem(presenceKey, self)).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (Exception e) {
            // Redis is away: what this process leased comes back as the buckets refill, its word expires by itself
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
        io.shutdownNow();
        pool.close();
    }

    /**
     * One model's shared buckets and pause, and what this process holds of them; while Redis is away, this
     * process's share of them in local buckets. No method waits for Redis. Thread-safe.
     */
    public final class Gate {
        private final String prefix;
        private final Lease requests;
        private final Lease tokens;
        private final List<Runnable> leaseListeners = new CopyOnWriteArrayList<>();
        private volatile double wantedRequests;
        private volatile double wantedTokens;
        private volatile double burst = 1;
        private final AtomicLong pauseReadAt = new AtomicLong(Long.MIN_VALUE);
        private final AtomicLong correctedAt = new AtomicLong(Long.MIN_VALUE);
        private volatile long pausedUntilMillis;
        /**
         * While Redis is away, and a while after it is back: this process's share of the limits; {@code null}
         * otherwise.
         */
        private volatile Share share;
        /** When Redis answered again after an outage (the first take since), or {@link Long#MIN_VALUE}. Under the gate. */
        private long backAt = Long.MIN_VALUE;

        private Gate(String model) {
            this.prefix = "evalunit:limits:" + namespace + ":" + model + ":";
            this.requests = new Lease("rpm");
            this.tokens = new Lease("tpm");
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
            wantedRequests = requestsPerMinute;
            wantedTokens = tokensPerMinute;
            burst = burstSeconds;
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
            if (!redisUsable(now)) {
                return takeLocally(estimatedTokens, now);
            }
            long neededTokens = Math.max(0, estimatedTokens);
            boolean taken;
            long shareWait = 0;
            synchronized (this) {
                Share outage = stillKeptTo(now);
                taken = requests.covers(1) && tokens.covers(neededTokens);
                if (taken && outage != null) {
                    shareWait = outage.tryTake(neededTokens, now);
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
         * The share this process kept to during an outage, while it still does: after Redis answers again, the
         * other processes come back to it only as their own retries find it, up to {@link #RETRY_REDIS_NANOS}
         * later, and go on under their shares meanwhile; a process that drew on the shared bucket at once (it
         * starts anew, half full, when Redis lost it) would add the whole limit to theirs. So for that long a
         * process takes from its lease and its share both. Then {@code null}: the next outage starts from the
         * share of the processes seen then. Under the gate.
         */
        private Share stillKeptTo(long now) {
            if (share == null) {
                return null;
            }
            if (backAt == Long.MIN_VALUE) {
                backAt = now;
            } else if (now - backAt > RETRY_REDIS_NANOS) {
                share = null;
                backAt = Long.MIN_VALUE;
            }
            return share;
        }

        /** Takes from this process's share of the limits, made at the outage's first request. */
        private synchronized long takeLocally(long estimatedTokens, long now) {
            backAt = Long.MIN_VALUE;
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
         * Settles a request's tokens: what was reserved beyond its use goes back to this process's lease (beyond
         * what the lease should hold, back to Redis), what it used beyond is taken from the lease.
         */
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
            if (!redisUsable(now) || (last != Long.MIN_VALUE && now - last < PAUSE_CACHE_NANOS)
                    || !correctedAt.compareAndSet(last, now)) {
                return CompletableFuture.completedFuture(null);
            }
            return CompletableFuture.allOf(
                    requests.clamp(remainingRequests, limitRequests, sinceSentNanos),
                    tokens.clamp(remainingTokens, limitTokens, sinceSentNanos)).exceptionally(e -> {
                        failed(e, System.nanoTime());
                        return null;
                    });
        }

        /** A 429: every process of the namespace pauses this model until {@code untilMillis} (wall clock). */
        public void pause(long untilMillis, long now) {
            pausedUntilMillis = Math.max(pausedUntilMillis, untilMillis);
            long ms = untilMillis - System.currentTimeMillis();
            if (!redisUsable(now) || ms <= 0) {
                return;
            }
            byte[] key = (prefix + "pause").getBytes(StandardCharsets.UTF_8);
            byte[] value = Long.toString(untilMillis).getBytes(StandardCharsets.UTF_8);
            command(redis -> redis.set(key, value, SetParams.setParams().px(ms)))
                    .exceptionally(e -> {
                        failed(e, System.nanoTime());
                        return null;
                    });
        }

        /**
         * How long every process should still pause this model, in nanoseconds; 0 for none. From what this
         * process knows; what the others said is read in the background, at most every 100 ms.
         */
        public long pausedNanos(long now) {
            long readAt = pauseReadAt.get();
            if (redisUsable(now) && (readAt == Long.MIN_VALUE || now - readAt > PAUSE_CACHE_NANOS)
                    && pauseReadAt.compareAndSet(readAt, now)) {
                byte[] key = (prefix + "pause").getBytes(StandardCharsets.UTF_8);
                command(redis -> redis.get(key))
                        .thenAccept(value -> {
                            if (value != null) {
                                pausedUntilMillis = Math.max(pausedUntilMillis,
                                        Long.parseLong(new String(value, StandardCharsets.UTF_8)));
                            }
                        }).exceptionally(e -> {
                            failed(e, System.nanoTime());
                            return null;
                        });
            }
            long ms = pausedUntilMillis - System.currentTimeMillis();
            return ms <= 0 ? 0 : Duration.ofMillis(ms).toNanos();
        }

        /**
         * What the shared bucket of requests ({@code "rpm"}) or tokens ({@code "tpm"}) holds now, for tests and
         * benches; -1 when no limit is known.
         */
        public CompletableFuture<Long> available(String what) {
            Lease lease = "rpm".equals(what) ? requests : tokens;
            BucketProxy bucket = lease.bucket;
            return bucket == null ? CompletableFuture.completedFuture(-1L) : call(bucket::getAvailableTokens);
        }

        /** What this process holds of the shared buckets now: requests and tokens (for tests). */
        public synchronized long[] leased() {
            return new long[] {requests.held, tokens.held};
        }

        private void returnIdle(long now) {
            requests.returnIfIdle(now);
            tokens.returnIfIdle(now);
        }

        private CompletableFuture<Void> returnAll() {
            return CompletableFuture.allOf(requests.giveBack(Long.MAX_VALUE), tokens.giveBack(Long.MAX_VALUE));
        }

        /**
         * One shared bucket and what this process holds of it. {@code held}, {@code wanted}, {@code refilling}
         * and {@code retryAt} are guarded by the gate.
         */
        private final class Lease {
            private final String what;
            private volatile BucketProxy bucket;
            private volatile double perMinute;
            private long held;
            private long wanted;
            private boolean refilling;
            private long retryAt = Long.MIN_VALUE;
            private long usedAt;

            Lease(String what) {
                this.what = what;
            }

            /**
             * Writes a changed limit into the shared bucket with the next command (Bucket4j replaces the stored
             * configuration when this version is newer); a bucket is configured again only when its limit
             * changed, since a replaced configuration loses the fraction of a token refilled so far.
             */
            void configure(double limit, double burstSeconds) {
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
                                .refillGreedy(Math.max(1, (long) (limit * HEADROOM)), Duration.ofMinutes(1))
                                .initialTokens(Math.max(1, capacity / 2)).build())
                        .build();
                long version = VERSIONS.updateAndGet(v -> Math.max(v + 1, System.currentTimeMillis()));
                bucket = buckets.builder()
                        .withImplicitConfigurationReplacement(version, TokensInheritanceStrategy.PROPORTIONALLY)
                        .build((prefix + what).getBytes(StandardCharsets.UTF_8), () -> config);
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

            /** How long until the shared bucket, found empty, has a token again; 0 when not known to be empty. */
            long retryIn(long now) {
                synchronized (Gate.this) {
                    return retryAt == Long.MIN_VALUE ? 0 : Math.max(0, retryAt - now);
                }
            }

            /** What a lease should hold: a few round trips of the limit's rate, within a share of the bucket. */
            private long chunk() {
                double ratePerNano = perMinute * HEADROOM / Duration.ofMinutes(1).toNanos();
                long rateChunk = (long) Math.ceil(ratePerNano * roundTripNanos * LEASE_ROUND_TRIPS);
                long shareOfBucket = Math.max(1, capacity(perMinute, burst) / (2L * Math.max(1, processes)));
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
                synchronized (Gate.this) {
                    long chunk = chunk();
                    if (refilling || (held >= wanted && held * 2 >= chunk) || now < retryAt) {
                        return;
                    }
                    need = Math.max(1, wanted - held);
                    more = Math.max(0, chunk - held - need);
                    refilling = true;
                }
                call(() -> b.tryConsumeAndReturnRemaining(need)).whenComplete((ConsumptionProbe probe, Throwable error) -> {
                    if (error != null) {
                        done(0, Long.MIN_VALUE);
                        failed(error, System.nanoTime());
                        leaseCame(); // the waiting throttle goes on under its local share
                        return;
                    }
                    if (!probe.isConsumed()) {
                        // empty: ask again when the bucket has refilled, rounded up to its clock's milliseconds
                        long wait = Duration.ofMillis(Duration.ofNanos(probe.getNanosToWaitForRefill() + 999_999)
                                .toMillis() + 1).toNanos();
                        done(0, System.nanoTime() + wait);
                        timer.schedule(() -> {
                            topUp(System.nanoTime());
                        }, wait, TimeUnit.NANOSECONDS);
                        return;
                    }
                    long extra = Math.min(more, probe.getRemainingTokens());
                    if (extra <= 0) {
                        done(need, Long.MIN_VALUE);
                        leaseCame();
                        return;
                    }
                    add(need);
                    leaseCame();
                    call(() -> b.tryConsumeAsMuchAsPossible(extra)).whenComplete((got, failure) -> {
                        done(failure == null ? got : 0, Long.MIN_VALUE);
                        if (failure != null) {
                            failed(failure, System.nanoTime());
                        }
                        leaseCame();
                    });
                });
            }

            private void add(long n) {
                synchronized (Gate.this) {
                    held += n;
                }
            }

            private void done(long got, long retry) {
                synchronized (Gate.this) {
                    held += got;
                    refilling = false;
                    retryAt = retry;
                }
            }

            /** A request's settlement: into the lease; what it holds beyond two leases' worth back to Redis. */
            void settle(long difference) {
                long back;
                synchronized (Gate.this) {
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
                synchronized (Gate.this) {
                    back = Math.min(n, held);
                    if (b == null || back <= 0) {
                        return CompletableFuture.completedFuture(null);
                    }
                    held -= back;
                }
                return call(() -> {
                    b.addTokens(back);
                    return (Void) null;
                }).exceptionally(e -> {
                    failed(e, System.nanoTime());
                    return null;
                });
            }

            void returnIfIdle(long now) {
                boolean idle;
                synchronized (Gate.this) {
                    idle = held > 0 && wanted == 0 && now - usedAt > LEASE_IDLE_NANOS;
                }
                if (idle) {
                    giveBack(Long.MAX_VALUE);
                }
            }

            CompletableFuture<Void> clamp(long remaining, long limit, long sinceSentNanos) {
                BucketProxy b = bucket;
                double known = perMinute;
                if (b == null || remaining < 0 || limit <= 0 || !(known > 0)) {
                    return CompletableFuture.completedFuture(null);
                }
                long capacity = capacity(known, burst);
                double serverNow = (double) remaining / limit * capacity
                        + known * HEADROOM * Math.max(0, sinceSentNanos) / Duration.ofMinutes(1).toNanos();
                if (serverNow >= capacity) {
                    return CompletableFuture.completedFuture(null); // the server has at least a full bucket
                }
                return call(() -> {
                    long excess = b.getAvailableTokens() - (long) Math.ceil(serverNow);
                    if (excess > 0) {
                        b.tryConsumeAsMuchAsPossible(excess);
                    }
                    return (Void) null;
                });
            }
        }
    }

    private static long capacity(double perMinute, double burstSeconds) {
        return Math.max(1, (long) Math.floor(perMinute * HEADROOM * burstSeconds / 60));
    }

    /**
     * A process's share of a model's limits while Redis is away: 1/N of the shared limits, N the processes
     * last seen, in local buckets that start empty (the process was drawing on the shared buckets until now: a
     * full share on top would be a burst the server refuses). Guarded by its gate.
     */
    private static final class Share {
        final TokenBucket requests;
        final TokenBucket tokens;

        Share(double requestsPerMinute, double tokensPerMinute, double burstSeconds, int processes, long now) {
            this.requests = bucket(requestsPerMinute, burstSeconds, processes, now);
            this.tokens = bucket(tokensPerMinute, burstSeconds, processes, now);
        }

        private static TokenBucket bucket(double perMinute, double burstSeconds, int processes, long now) {
            if (!(perMinute > 0) || !Double.isFinite(perMinute)) {
                return TokenBucket.unlimited();
            }
            TokenBucket share = TokenBucket.perMinute(perMinute * HEADROOM / Math.max(1, processes), burstSeconds, now);
            share.take(share.level(now), now);
            return share;
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
