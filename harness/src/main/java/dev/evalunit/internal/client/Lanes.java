package dev.evalunit.internal.client;

import dev.evalunit.Completion;
import dev.evalunit.LlmException;
import dev.evalunit.client.ClientListener;
import dev.evalunit.config.Durations;
import dev.evalunit.config.EvalConfig;
import dev.evalunit.config.ModelPrice;
import dev.evalunit.config.RateLimitConfig;
import dev.failsafe.CircuitBreaker;
import dev.failsafe.Failsafe;
import dev.failsafe.RetryPolicy;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * The client's {@link Lane}s, one per model, made on the model's first request: its {@link ModelThrottle}, and a
 * Failsafe executor of the client's one retry policy around the model's own circuit breaker. Thread-safe.
 *
 * <p>The retry policy retries retryable failures only, after an exponential backoff with jitter that the server's
 * {@code retry-after} is a floor of; the breaker opens on server failures alone (a 400 says nothing of an
 * outage), and its opening and closing are logged and signalled to the requests waiting in its lane.
 */
final class Lanes {

    private static final System.Logger LOG = System.getLogger(ThrottledClient.class.getName());

    private final EvalConfig config;
    private final BudgetGuard budget;
    private final Providers providers;
    private final ScheduledExecutorService scheduler;
    private final LongSupplier nanoTime;
    private final double burstSeconds;
    /** Rate limits shared with other processes through Redis, or {@code null}. */
    private final SharedLimits sharedLimits;
    /** The last failure per model that came without any HTTP response, for a server never reached. */
    private final Map<String, LlmException> lastFailures;
    private final RetryPolicy<Completion> retryPolicy;
    private final ConcurrentHashMap<String, Lane> lanes = new ConcurrentHashMap<>();

    Lanes(EvalConfig config, BudgetGuard budget, Providers providers, ScheduledExecutorService scheduler,
          LongSupplier nanoTime, double burstSeconds, SharedLimits sharedLimits, Map<String, LlmException> lastFailures,
          Attempts attempts, MetricsRecorder metrics, Listeners listeners, DoubleSupplier random) {
        this.config = config;
        this.budget = budget;
        this.providers = providers;
        this.scheduler = scheduler;
        this.nanoTime = nanoTime;
        this.burstSeconds = burstSeconds;
        this.sharedLimits = sharedLimits;
        this.lastFailures = lastFailures;
        BackoffPolicy backoff = new BackoffPolicy(config.retry(), random);
        this.retryPolicy = RetryPolicy.<Completion>builder()
                .handleIf(e -> e instanceof LlmException l && l.retryable())
                .withMaxAttempts(config.retry().maxAttempts())
                .withDelayFn(ctx -> backoff.delayAfter(ctx.getAttemptCount(),
                        ctx.getLastException() instanceof LlmException l ? attempts.cappedRetryAfter(l) : null))
                .onRetryScheduled(e -> {
                    LlmException cause = (LlmException) e.getLastException();
                    metrics.retried(cause.model());
                    listeners.fire(ClientListener::onRetry, new ClientListener.RetryScheduled(
                            cause.model(), e.getAttemptCount(), e.getDelay(), cause));
                })
                .build();
    }

    /** The lane of a model that has one, or {@code null}. */
    Lane existing(String model) {
        return lanes.get(model);
    }

    /** Every lane made so far. */
    Collection<Lane> all() {
        return lanes.values();
    }

    /**
     * The lane of {@code model}, made on first use.
     *
     * @throws LlmException when the model has no price and the run's budget is capped: its cost could not be counted
     */
    Lane of(String model) {
        Lane lane = lanes.get(model);
        if (lane != null) {
            return lane;
        }
        Optional<ModelPrice> price = config.prices().forModel(model);
        if (price.isEmpty() && budget.capped()) {
            throw RequestEstimate.unpriced(model);
        }
        return lanes.computeIfAbsent(model, m -> {
            RateLimitConfig limits = config.rateLimitFor(m);
            ModelThrottle throttle = new ModelThrottle(m, new ModelThrottle.Settings(limits.requestsPerMinute(),
                    limits.tokensPerMinute(), limits.maxConcurrency(), limits.adaptive(), burstSeconds, limits.derived()),
                    nanoTime, Wakeups.on(scheduler), sharedLimits == null ? null : sharedLimits.gate(m));
            int total = lanes.values().stream().mapToInt(l -> l.maxConcurrency).sum() + limits.maxConcurrency();
            providers.ensureCapacity(total);
            Lane[] self = new Lane[1];
            CircuitBreaker<Completion> breaker = CircuitBreaker.<Completion>builder()
                    .handleIf(e -> e instanceof LlmException l && l.kind().serverFailure())
                    .withFailureThreshold(config.circuitBreaker().failureThreshold())
                    .withDelay(config.circuitBreaker().openDelay())
                    .withSuccessThreshold(1)
                    .onOpen(e -> {
                        self[0].breakerOpened();
                        // Failures without any response are refused or dropped connections, not a server's errors.
                        LlmException unanswered = self[0].reachedServer() ? null : lastFailures.get(m);
                        LOG.log(System.Logger.Level.WARNING, "circuit breaker for " + m + " opened after "
                                + config.circuitBreaker().failureThreshold() + (unanswered == null
                                ? " server failures in a row; requests wait for it (up to "
                                + "evalunit.circuit-breaker.outage-budget = "
                                + Durations.format(config.circuitBreaker().outageBudget()) + ")"
                                : " failures in a row and no answer ever from " + config.openai().baseUrl()
                                + " (the last: " + unanswered.getMessage() + ")"));
                    })
                    .onClose(e -> {
                        self[0].breakerClosed();
                        LOG.log(System.Logger.Level.INFO, "circuit breaker for " + m + " closed again");
                    })
                    .build();
            self[0] = new Lane(m, throttle, Failsafe.with(retryPolicy, breaker).with(scheduler), breaker, price,
                    limits.maxConcurrency());
            return self[0];
        });
    }
}
