package dev.evalunit.client;

import com.openai.errors.OpenAIServiceException;
import dev.evalunit.ChatRequest;
import dev.evalunit.Completion;
import dev.evalunit.LlmClient;
import dev.evalunit.config.EvalConfig;
import dev.evalunit.config.ModelPrice;
import dev.evalunit.config.RateLimitConfig;
import dev.evalunit.throttle.ModelThrottle;
import dev.evalunit.throttle.RateLimitHeaders;
import dev.evalunit.throttle.TokenEstimator;
import dev.evalunit.throttle.Wakeups;
import dev.failsafe.CircuitBreaker;
import dev.failsafe.CircuitBreakerOpenException;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import dev.failsafe.RetryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * The shared, rate-limited OpenAI client. This class is threadsafe: one instance serves a whole run.
 *
 * <p>Each request goes through: the budget cap; Failsafe (retry with exponential backoff and jitter
 * for retryable failures only, around a circuit breaker per model); the model's
 * {@link ModelThrottle} (priority queue, RPM and TPM buckets, adaptive concurrency); then openai-java
 * over a pooled OkHttp client. When every attempt fails with a server-side failure and a fallback
 * model is configured, the request is sent once more through the fallback model's own lane.
 */
public final class OpenAiClient implements LlmClient {

    private static final System.Logger LOG = System.getLogger(OpenAiClient.class.getName());

    /**
     * Completion tokens reserved for a request that sets no {@code maxTokens}; corrected from its usage.
     * The Batch API coordinator estimates a batch's cost with it too.
     */
    public static final int DEFAULT_COMPLETION_RESERVE = 256;

    private final EvalConfig config;
    private final Redactor redactor;
    private final OpenAiTransport transport;
    private final ScheduledExecutorService scheduler;
    private final LongSupplier nanoTime;
    private final TokenEstimator estimator = TokenEstimator.shared();
    private final ConcurrentHashMap<String, Lane> lanes = new ConcurrentHashMap<>();
    private final ClientMetrics metrics;
    private final BudgetGuard budget;
    private final Listeners listeners;
    private final RetryPolicy<Completion> retryPolicy;
    private final double burstSeconds;
    private final java.util.concurrent.atomic.AtomicLong order = new java.util.concurrent.atomic.AtomicLong();
    private final Object outstandingLock = new Object();
    private int outstanding;
    private volatile boolean closed;

    private OpenAiClient(Builder b) {
        this.config = b.config;
        if (!config.openai().hasApiKey()) {
            throw new IllegalStateException("no OpenAI API key: set OPENAI_API_KEY (or -Devalunit.openai.api-key), "
                    + "or run against the simulator");
        }
        this.redactor = Redactor.forKey(config.openai().apiKey());
        this.nanoTime = b.nanoTime;
        this.burstSeconds = b.burstSeconds;
        this.metrics = new ClientMetrics(nanoTime);
        this.budget = new BudgetGuard(config.budgetUsd());
        this.listeners = new Listeners(b.listeners, redactor);
        this.scheduler = newScheduler();
        this.transport = new OpenAiTransport(config.openai(), config.rateLimit().maxConcurrency());
        BackoffPolicy backoff = new BackoffPolicy(config.retry(), b.random);
        this.retryPolicy = RetryPolicy.<Completion>builder()
                .handleIf(e -> e instanceof LlmException l && l.retryable())
                .withMaxAttempts(config.retry().maxAttempts())
                .withDelayFn(ctx -> backoff.delayAfter(ctx.getAttemptCount(), retryAfter(ctx.getLastException())))
                .onRetryScheduled(e -> {
                    LlmException cause = (LlmException) e.getLastException();
                    metrics.retried(cause.model());
                    listeners.fire(ClientListener::onRetry, new ClientListener.RetryScheduled(
                            cause.model(), e.getAttemptCount(), e.getDelay(), cause));
                })
                .build();
    }

    /** A client for the configuration, with no listeners. */
    public static OpenAiClient create(EvalConfig config) {
        return builder(config).build();
    }

    public static Builder builder(EvalConfig config) {
        return new Builder(config);
    }

    private static ScheduledExecutorService newScheduler() {
        ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(2, r -> {
            Thread t = new Thread(r, "evalunit-client-scheduler");
            t.setDaemon(true);
            return t;
        });
        s.setRemoveOnCancelPolicy(true);
        return s;
    }

    private static Duration retryAfter(Throwable failure) {
        return failure instanceof LlmException l ? l.retryAfter() : null;
    }

    @Override
    public CompletableFuture<Completion> generateAsync(ChatRequest request) {
        String model = request.model() != null ? request.model() : config.defaultModel();
        if (closed) {
            return CompletableFuture.failedFuture(LlmException.of(ErrorKind.CANCELLED, model, 0, 0, null, null, null,
                    "the client is closed", null));
        }
        synchronized (outstandingLock) {
            outstanding++;
        }
        long start = nanoTime.getAsLong();
        long place = order.getAndIncrement();
        CompletableFuture<Completion> answer = execute(model, request, start, place);
        Optional<String> fallback = config.fallbackModel();
        if (fallback.isPresent() && !fallback.get().equals(model)) {
            answer = answer.exceptionallyCompose(e -> {
                LlmException failure = (LlmException) Failures.unwrap(e);
                boolean worthIt = failure.kind().serverFailure() || failure.kind() == ErrorKind.CIRCUIT_OPEN
                        || failure.kind() == ErrorKind.RATE_LIMITED;
                if (!worthIt || closed) {
                    return CompletableFuture.failedFuture(failure);
                }
                LOG.log(System.Logger.Level.INFO, "falling back from " + model + " to " + fallback.get()
                        + " after " + failure.kind());
                return execute(fallback.get(), request.model(fallback.get()), start, place);
            });
        }
        return answer.whenComplete((c, e) -> {
            synchronized (outstandingLock) {
                outstanding--;
                outstandingLock.notifyAll();
            }
        });
    }

    /** Runs the attempts of one request on one model; {@code place} keeps retries in their queue position. */
    private CompletableFuture<Completion> execute(String model, ChatRequest request, long start, long place) {
        Lane lane;
        try {
            lane = lane(model);
        } catch (LlmException e) {
            return CompletableFuture.failedFuture(e);
        }
        int prompt = estimator.countMessages(model, request.messages());
        long reserve = (long) request.n() * (request.maxTokens() != null ? request.maxTokens() : DEFAULT_COMPLETION_RESERVE);
        double estimatedCost = lane.price.map(p -> p.cost(prompt, 0, reserve, false)).orElse(0.0);
        long tokens = prompt + reserve;
        CompletableFuture<Completion> result = new CompletableFuture<>();
        List<Completion.FailedAttempt> failed = new java.util.concurrent.CopyOnWriteArrayList<>();
        lane.failsafe.getStageAsync(ctx -> attempt(lane, request, tokens, estimatedCost, ctx.getAttemptCount() + 1, start,
                        place, failed))
                .whenComplete((completion, error) -> {
                    if (error == null) {
                        metrics.succeeded(model, completion);
                        result.complete(failed.isEmpty() ? completion : completion.withFailedAttempts(failed));
                        return;
                    }
                    LlmException failure = finalFailure(error, model);
                    // the last failed attempt is this failure, unless the request ended otherwise (circuit open, budget)
                    boolean lastIsThis = !failed.isEmpty() && failed.get(failed.size() - 1).attempt() == failure.attempts();
                    failure.earlierAttempts(lastIsThis ? failed.subList(0, failed.size() - 1) : failed);
                    metrics.failed(model, failure.kind());
                    listeners.fire(ClientListener::onError, new ClientListener.RequestFailed(model, failure));
                    result.completeExceptionally(failure);
                });
        return result;
    }

    private LlmException finalFailure(Throwable error, String model) {
        Throwable t = Failures.unwrap(error);
        if (t instanceof CircuitBreakerOpenException open) {
            return LlmException.of(ErrorKind.CIRCUIT_OPEN, model, 0, 0, null, null, null,
                    "circuit breaker for " + model + " is open after " + config.circuitBreaker().failureThreshold()
                            + " server failures in a row; requests are rejected until it probes again", open);
        }
        return Failures.classify(t, model, 0, redactor);
    }

    private CompletableFuture<Completion> attempt(Lane lane, ChatRequest request, long tokens, double estimatedCost,
                                                  int attempt, long start, long place,
                                                  List<Completion.FailedAttempt> failed) {
        String model = lane.model;
        double projected = budget.tryReserve(estimatedCost);
        if (projected >= 0) {
            listeners.fire(ClientListener::onBudgetExceeded, new ClientListener.BudgetExceeded(
                    model, budget.capUsd(), projected, estimatedCost));
            return CompletableFuture.failedFuture(new BudgetExceededException(model, String.format(
                    "sending would bring the projected spend to $%.4f, past evalunit.budget.usd = $%.4f "
                            + "(spent $%.4f so far); raise the budget to continue",
                    projected, budget.capUsd(), budget.spentUsd())));
        }
        CompletableFuture<Completion> result = new CompletableFuture<>();
        lane.throttle.acquire(request.priority(), tokens, place).whenComplete((permit, refused) -> {
            if (refused != null) {
                budget.settle(estimatedCost, 0);
                result.completeExceptionally(Failures.classify(refused, model, attempt, redactor));
                return;
            }
            metrics.sent();
            if (!listeners.isEmpty()) {
                listeners.fire(ClientListener::onRequestSent,
                        new ClientListener.RequestSent(model, attempt, request.priority(), tokens));
            }
            long sentAt = nanoTime.getAsLong();
            CompletableFuture<OpenAiTransport.Exchange> sent;
            try {
                sent = transport.send(model, request);
            } catch (RuntimeException e) {
                sent = CompletableFuture.failedFuture(e);
            }
            sent.whenComplete((exchange, error) -> {
                try {
                    settle(lane, permit, result, exchange, error, attempt, sentAt, start, estimatedCost, failed);
                } catch (Throwable bug) {
                    // A failure here must never leave the caller waiting forever.
                    LOG.log(System.Logger.Level.ERROR, "unexpected failure while completing a request to " + lane.model, bug);
                    permit.release(ModelThrottle.Feedback.failure(null, false, null));
                    result.completeExceptionally(Failures.classify(bug, lane.model, attempt, redactor));
                }
            });
        });
        return result;
    }

    /** Ends one attempt: releases its permit and budget reservation with what came back. */
    private void settle(Lane lane, ModelThrottle.Permit permit, CompletableFuture<Completion> result,
                        OpenAiTransport.Exchange exchange, Throwable error, int attempt, long sentAt, long start,
                        double estimatedCost, List<Completion.FailedAttempt> failed) {
        String model = lane.model;
        long now = nanoTime.getAsLong();
        if (error == null) {
            try {
                Completion c = exchange.toCompletion(attempt, now - sentAt, now - start, lane.price);
                permit.release(ModelThrottle.Feedback.success(c.promptTokens() + c.completionTokens(),
                        exchange.rateLimitHeaders()));
                budget.settle(estimatedCost, c.costUsd());
                if (!listeners.isEmpty()) {
                    listeners.fire(ClientListener::onResponse,
                            new ClientListener.ResponseReceived(model, attempt, c));
                }
                result.complete(c);
                return;
            } catch (RuntimeException unreadable) {
                error = unreadable;
            }
        }
        LlmException failure = Failures.classify(error, model, attempt, redactor);
        failed.add(failure.asFailedAttempt(attempt));
        boolean limited = failure.kind() == ErrorKind.RATE_LIMITED;
        permit.release(ModelThrottle.Feedback.failure(headers(Failures.unwrap(error)), limited,
                failure.retryAfter()));
        budget.settle(estimatedCost, 0);
        if (limited) {
            metrics.rateLimited(model);
            listeners.fire(ClientListener::onRateLimited, new ClientListener.RateLimited(
                    model, attempt, failure.retryAfter(), failure.requestId()));
        }
        result.completeExceptionally(failure);
    }

    private static RateLimitHeaders headers(Throwable error) {
        if (error instanceof OpenAIServiceException service) {
            return RateLimitHeaders.parse(name -> Failures.first(service.headers(), name));
        }
        return null;
    }

    private Lane lane(String model) {
        Lane lane = lanes.get(model);
        if (lane != null) {
            return lane;
        }
        Optional<ModelPrice> price = config.prices().forModel(model);
        if (price.isEmpty() && budget.capped()) {
            throw LlmException.of(ErrorKind.INVALID_REQUEST, model, 0, 0, null, null, null,
                    "evalunit.budget.usd is set but the price table has no entry for " + model
                            + "; set evalunit.prices." + model + ".input and evalunit.prices." + model + ".output", null);
        }
        return lanes.computeIfAbsent(model, m -> {
            RateLimitConfig limits = config.rateLimitFor(m);
            ModelThrottle throttle = new ModelThrottle(m, new ModelThrottle.Settings(limits.requestsPerMinute(),
                    limits.tokensPerMinute(), limits.maxConcurrency(), limits.adaptive(), burstSeconds),
                    nanoTime, Wakeups.on(scheduler));
            int total = lanes.values().stream().mapToInt(l -> l.maxConcurrency).sum() + limits.maxConcurrency();
            transport.ensureCapacity(total);
            CircuitBreaker<Completion> breaker = CircuitBreaker.<Completion>builder()
                    .handleIf(e -> e instanceof LlmException l && l.kind().serverFailure())
                    .withFailureThreshold(config.circuitBreaker().failureThreshold())
                    .withDelay(config.circuitBreaker().openDelay())
                    .withSuccessThreshold(1)
                    .onOpen(e -> LOG.log(System.Logger.Level.WARNING, "circuit breaker for " + m + " opened after "
                            + config.circuitBreaker().failureThreshold() + " server failures in a row"))
                    .onClose(e -> LOG.log(System.Logger.Level.INFO, "circuit breaker for " + m + " closed again"))
                    .build();
            return new Lane(m, throttle, Failsafe.with(retryPolicy, breaker).with(scheduler), price,
                    limits.maxConcurrency());
        });
    }

    /** What the client has done so far. */
    public ClientMetrics metrics() {
        return metrics;
    }

    /** The run's budget cap, which the Batch API coordinator shares so that one cap covers both paths. */
    public BudgetGuard budget() {
        return budget;
    }

    /** The throttle of a model (created on first use), for monitoring. */
    public ModelThrottle throttle(String model) {
        return lane(model).throttle;
    }

    /** The configuration this client was built from. */
    public EvalConfig config() {
        return config;
    }

    /**
     * Stops taking requests and fails those still queued, waits up to the request timeout for the
     * ones in flight, then releases connections and threads.
     */
    @Override
    public void close() {
        close(config.openai().requestTimeout());
    }

    /**
     * Stops taking requests and fails those still queued, waits up to {@code grace} for the ones in
     * flight (a retry waiting for its next attempt is not sent again), then releases connections and
     * threads; requests still unanswered then fail.
     */
    public void close(Duration grace) {
        if (closed) {
            return;
        }
        closed = true;
        lanes.values().forEach(l -> l.throttle.close());
        long deadline = System.nanoTime() + grace.toNanos();
        synchronized (outstandingLock) {
            while (outstanding > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    LOG.log(System.Logger.Level.WARNING, outstanding + " requests still unanswered at close");
                    break;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(outstandingLock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        transport.close();
        scheduler.shutdownNow();
    }

    /** Everything per model: its throttle, and retries around its own circuit breaker. */
    private record Lane(String model, ModelThrottle throttle, FailsafeExecutor<Completion> failsafe,
                        Optional<ModelPrice> price, int maxConcurrency) {
    }

    /** Options beyond the configuration, mostly seams for tests. */
    public static final class Builder {
        private final EvalConfig config;
        private final List<ClientListener> listeners = new ArrayList<>();
        private LongSupplier nanoTime = System::nanoTime;
        private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();
        private double burstSeconds = 1.0;

        private Builder(EvalConfig config) {
            this.config = config;
        }

        public Builder listener(ClientListener listener) {
            listeners.add(listener);
            return this;
        }

        /** The clock of the throttle and the metrics. */
        public Builder nanoTime(LongSupplier nanoTime) {
            this.nanoTime = nanoTime;
            return this;
        }

        /** The random source of the backoff's jitter, values in [0, 1). */
        public Builder random(DoubleSupplier random) {
            this.random = random;
            return this;
        }

        /** How many seconds of a per-minute limit may be sent at once (default 1). */
        public Builder burstSeconds(double burstSeconds) {
            this.burstSeconds = burstSeconds;
            return this;
        }

        public OpenAiClient build() {
            return new OpenAiClient(this);
        }
    }
}
