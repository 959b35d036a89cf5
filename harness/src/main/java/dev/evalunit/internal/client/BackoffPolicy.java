package dev.evalunit.internal.client;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.evalunit.config.RetryConfig;
import java.time.Duration;
import java.util.function.DoubleSupplier;
import org.apiguardian.api.API;

/**
 * The delay before a retry: exponential from the base delay, capped at the maximum, with jitter
 * that only shortens it (so a herd of clients spreads out), and never shorter than what the server
 * asked for with {@code retry-after}: that wait is obeyed in full, not jittered or capped.
 * Immutable and thread-safe when its random source is. The real-time client and the Batch API's
 * calls both use it.
 *
 * <p>Failsafe's {@code RetryPolicy} runs the client's retries and asks this class for each delay
 * ({@code withDelayFn}). Its own {@code withBackoff} and {@code withJitter} are not used, because Failsafe
 * 3.3 jitters a computed delay too ({@code RetryPolicyExecutor} applies {@code adjustForJitter} after
 * {@code computeDelay}): a server's {@code retry-after} would be cut short by up to the jitter and the retry
 * would come back into the same 429. Its jitter is also symmetric, which lengthens half the waits, and
 * {@code withBackoff} refuses a base delay equal to the cap, which a configuration may set.
 */
@API(status = INTERNAL, since = "0.1")
public final class BackoffPolicy {

    private final long baseNanos;
    private final long maxNanos;
    private final double jitter;
    private final DoubleSupplier random;

    /** A policy of the configured delays, drawing jitter from {@code random} (values in [0, 1)). */
    public BackoffPolicy(RetryConfig config, DoubleSupplier random) {
        this.baseNanos = config.baseDelay().toNanos();
        this.maxNanos = config.maxDelay().toNanos();
        this.jitter = config.jitter();
        this.random = random;
    }

    /** The delay after the {@code failedAttempt}-th attempt (1-based) failed. */
    public Duration delayAfter(int failedAttempt, Duration retryAfter) {
        int doublings = Math.min(Math.max(failedAttempt - 1, 0), 62);
        double exponential = Math.min((double) maxNanos, baseNanos * Math.pow(2, doublings));
        long jittered = (long) (exponential * (1 - jitter * random.getAsDouble()));
        long floor = retryAfter == null ? 0 : retryAfter.toNanos();
        return Duration.ofNanos(Math.max(jittered, floor));
    }
}
