package dev.evalunit.internal.client;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.evalunit.config.ConfigKeys;
import dev.evalunit.config.EvalConfig;
import dev.evalunit.config.OpenAIConfig;
import dev.evalunit.internal.concurrent.DaemonThreads;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apiguardian.api.API;
import redis.clients.jedis.JedisPool;

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
 * for it is woken when it comes ({@link SharedGate#onLease}, {@link Lease}). What a request reserved beyond its use goes back to
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
 * limits ({@link Presence}). When Redis cannot be reached, with one warning ({@link RedisLink}), the gates go on
 * under local buckets at this process's share of the limits (1/N of the processes last seen, {@link LocalShare}),
 * and try Redis again a few seconds later: a run never fails or stalls because Redis did. Thread-safe.
 *
 * <p>This class connects, names the namespace, and keeps the timer and one {@link SharedGate} per model.
 */
@API(status = INTERNAL, since = "0.1")
public final class SharedLimits implements AutoCloseable {

    /** Where a Redis not reached at the start is told, in the client's name: the run goes on without it. */
    private static final System.Logger CLIENT_LOG = System.getLogger(ThrottledClient.class.getName());

    /** The share of an account's limit the shared buckets allow. */
    static final double HEADROOM = 0.98;
    /** How often a process says it is there. */
    static final Duration HEARTBEAT = Duration.ofSeconds(2);
    /** How long a bucket no process uses stays in Redis after it would be full again. */
    static final Duration IDLE_BUCKET = Duration.ofMinutes(1);

    private final RedisLink redis;
    private final Presence presence;
    /** Says the process is there, returns idle leases, and tries a top-up again that found a bucket empty. */
    private final ScheduledExecutorService timer;
    private final String namespace;
    private final Map<String, SharedGate> gates = new ConcurrentHashMap<>();

    private SharedLimits(JedisPool pool, String namespace, String where) {
        this.redis = new RedisLink(pool, where, IDLE_BUCKET);
        this.presence = new Presence(redis, namespace);
        this.namespace = namespace;
        this.timer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("evalunit-shared-limits"));
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
            pool = RedisConnections.pool(redis, trustedCertificates, RedisLink.CONNECTIONS, RedisLink.TIMEOUT);
            SharedLimits limits = new SharedLimits(pool, namespace, where);
            try {
                limits.presence.announce();
            } catch (RuntimeException unreachable) {
                limits.redis.stopThreads();
                limits.timer.shutdownNow();
                throw unreachable;
            }
            limits.timer.scheduleWithFixedDelay(limits.presence::beat, HEARTBEAT.toMillis(), HEARTBEAT.toMillis(),
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

    /**
     * The limits shared through {@code evalunit.shared-limits.redis}, or {@code null} without the setting, or,
     * with one warning, when Redis cannot be reached at the start (this process then keeps to its own limits).
     */
    static SharedLimits configured(EvalConfig config) {
        Optional<URI> redis = Optional.ofNullable(config.values().getAs(ConfigKeys.SHARED_LIMITS_REDIS, null,
                "a redis:// (or TLS rediss://) address, such as redis://127.0.0.1:6379", text -> {
                    URI uri = URI.create(text.strip());
                    if (!("redis".equals(uri.getScheme()) || "rediss".equals(uri.getScheme())) || uri.getHost() == null) {
                        throw new IllegalArgumentException(text);
                    }
                    return uri;
                }));
        if (redis.isEmpty()) {
            return null;
        }
        String namespace = config.values().get(ConfigKeys.SHARED_LIMITS_NAMESPACE).map(String::strip)
                .filter(n -> !n.isEmpty()).orElseGet(() -> namespaceOf(config.openai()));
        Path ca = config.values().getAs(ConfigKeys.SHARED_LIMITS_REDIS_CA, null,
                "a readable file of PEM certificates", text -> {
                    Path file = Path.of(text.strip());
                    if (!Files.isReadable(file)) {
                        throw new IllegalArgumentException(text);
                    }
                    return file;
                });
        try {
            return connect(redis.get(), namespace, ca);
        } catch (IllegalStateException unreachable) {
            CLIENT_LOG.log(System.Logger.Level.WARNING, unreachable.getMessage() + "; this run keeps to its own limits");
            return null;
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
    public SharedGate gate(String model) {
        return gates.computeIfAbsent(model, m -> new SharedGate(namespace, m, redis, presence, Wakeups.on(timer)));
    }

    /** The processes of the namespace last seen, this one included; what a process's share while Redis is away is 1 of. */
    public int processes() {
        return presence.processes();
    }

    /** The average round trip of a command to Redis, as this process measured it. */
    public Duration roundTrip() {
        return Duration.ofNanos((long) redis.roundTripNanos());
    }

    private void returnIdleLeases() {
        long now = System.nanoTime();
        if (redis.usable(now)) {
            gates.values().forEach(gate -> gate.returnIdle(now));
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            if (redis.usable(System.nanoTime())) {
                CompletableFuture<?>[] returned = gates.values().stream().map(SharedGate::returnAll)
                        .toArray(CompletableFuture[]::new);
                CompletableFuture.allOf(returned).get(RedisLink.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                // the others' share while Redis is away grows now
                presence.leave().get(RedisLink.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (Exception e) {
            // Redis is away: what this process leased comes back as the buckets refill, its word expires by itself
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
        redis.close();
    }
}
