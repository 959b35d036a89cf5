package dev.evalunit.internal.client;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.evalunit.ChatRequest;
import dev.evalunit.Completion;
import dev.evalunit.ErrorKind;
import dev.evalunit.LlmException;
import dev.evalunit.client.ClientListener;
import dev.evalunit.client.ClientMetrics;
import dev.evalunit.client.OpenAiClient;
import dev.evalunit.config.Durations;
import dev.evalunit.config.ConfigKeys;
import dev.evalunit.config.EvalConfig;
import dev.evalunit.internal.concurrent.DaemonThreads;
import dev.evalunit.internal.concurrent.InFlight;
import dev.failsafe.CircuitBreakerOpenException;
import dev.failsafe.Failsafe;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apiguardian.api.API;

/**
 * The shared, rate-limited OpenAI client. This class is threadsafe: one instance serves a whole run.
 *
 * <p>Each request goes through: the budget cap; Failsafe (retry with exponential backoff and jitter
 * for retryable failures only, around a circuit breaker per model); the model's
 * {@link ModelThrottle} (priority queue, RPM and TPM buckets, adaptive concurrency); then openai-java
 * over a pooled OkHttp client. When every attempt fails with a server-side failure and a fallback
 * model is configured, the request is sent once more through the fallback model's own lane.
 *
 * <p>A model's throttle, retries and breaker are its {@link Lanes lane}; an attempt is {@link Attempts}'; the
 * limits shared with other processes are {@link SharedLimits}'. This class runs a request through them, waits
 * out an open circuit, falls back, and closes.
 */
@API(status = INTERNAL, since = "0.1")
public final class ThrottledClient implements OpenAiClient {

    private static final System.Logger LOG = System.getLogger(ThrottledClient.class.getName());

    private final EvalConfig config;
    private final Redactor redactor;
    private final Providers providers;
    private final ScheduledExecutorService scheduler;
    private final LongSupplier nanoTime;
    private final TokenEstimator estimator = TokenEstimator.shared();
    private final ContextWindows contextWindows;
    private final Lanes lanes;
    private final MetricsRecorder metrics;
    private final BudgetGuard budget;
    private final Listeners listeners;
    private final AtomicLong order = new AtomicLong();
    private final InFlight outstanding = new InFlight();
    private volatile boolean closed;
    private final Stops stops;
    /** The last failure per model that came without any HTTP response, for a server never reached. */
    private final Map<String, LlmException> lastFailures = new ConcurrentHashMap<>();
    private final Attempts attempts;
    /** Rate limits shared with other processes through Redis, or {@code null}. */
    private final SharedLimits sharedLimits;

    private ThrottledClient(Builder b) {
        this.config = b.config;
        this.contextWindows = ContextWindows.from(b.config.values());
        if (!config.openai().hasApiKey() && Providers.anthropicKey(config).isEmpty() && b.simulator == null) {
            throw new IllegalStateException("no OpenAI API key: set OPENAI_API_KEY (or -Devalunit.openai.api-key), "
                    + "or ANTHROPIC_API_KEY for Anthropic's models, or run against the simulator");
        }
        this.redactor = Redactor.of(config);
        this.stops = new Stops(config.openai().baseUrl().toString(), config.values()
                .get(ConfigKeys.ANTHROPIC_BASE_URL).orElse(AnthropicTransport.DEFAULT_BASE_URL.toString()));
        this.nanoTime = b.nanoTime;
        this.metrics = new MetricsRecorder(nanoTime);
        this.budget = new BudgetGuard(config.budgetUsd());
        this.listeners = new Listeners(b.listeners, redactor);
        this.scheduler = newScheduler();
        this.providers = new Providers(config, b.simulator);
        this.sharedLimits = SharedLimits.configured(config);
        this.attempts = new Attempts(config, budget, metrics, listeners, providers, stops, this::drain, redactor,
                nanoTime, lastFailures);
        this.lanes = new Lanes(config, budget, providers, scheduler, nanoTime, b.burstSeconds, sharedLimits,
                lastFailures, attempts, metrics, listeners, b.random);
    }

    /** A client for the configuration, with no listeners. */
    public static ThrottledClient create(EvalConfig config) {
        return builder(config).build();
    }

    public static Builder builder(EvalConfig config) {
        return new Builder(config);
    }

    private static ScheduledExecutorService newScheduler() {
        ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(2, DaemonThreads.named("evalunit-client-scheduler"));
        s.setRemoveOnCancelPolicy(true);
        return s;
    }

    @Override
    public CompletableFuture<Completion> generateAsync(ChatRequest request) {
        String model = request.model() != null ? request.model() : config.defaultModel();
        if (closed) {
            return CompletableFuture.failedFuture(LlmException.of(ErrorKind.CANCELLED, model, 0, 0, null, null, null,
                    "the client is closed", null));
        }
        outstanding.enter();
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
                // The answer is the fallback's, and says so: it is stored, reported and replayed as its own.
                return execute(fallback.get(), request.model(fallback.get()), start, place)
                        .thenApply(c -> c.withFallbackModel(fallback.get()));
            });
        }
        return answer.whenComplete((c, e) -> outstanding.exit());
    }

    /** Runs the attempts of one request on one model; {@code place} keeps retries in their queue position. */
    private CompletableFuture<Completion> execute(String model, ChatRequest request, long start, long place) {
        Lane lane;
        try {
            lane = lanes.of(model);
        } catch (LlmException e) {
            return CompletableFuture.failedFuture(e);
        }
        Optional<Stop> stop = stops.forbidding(model, request);
        if (stop.isPresent()) {
            return failed(model, notSent(stop.get()));
        }
        RequestEstimate estimate = RequestEstimate.of(model, request);
        OptionalInt window = contextWindows.of(model);
        long asked = estimate.promptTokens() + (request.maxTokens() == null ? 0 : (long) request.n() * request.maxTokens());
        if (window.isPresent() && asked > window.getAsInt()) {
            // the API would refuse it, after the queue and the rate limit; a prompt this long is a mistake to see now
            return failed(model, LlmException.of(ErrorKind.INVALID_REQUEST, model, 0, 0, null, null, null, String.format(
                    Locale.ROOT, "the prompt of %,d tokens%s is over %s's context window of %,d tokens "
                            + "(evalunit.models.%s.context-window to change it): it was not sent",
                    estimate.promptTokens(), request.maxTokens() == null ? "" : String.format(Locale.ROOT,
                            " and max_tokens %,d", request.maxTokens()), model, window.getAsInt(), model), null));
        }
        Call call = new Call(lane, request, estimate.promptTokens(),
                lane.promptReserve(estimate.promptTokens()) + estimate.completionReserve(),
                estimate.costUsd(lane.price, false), start, place);
        run(call);
        return call.result;
    }

    private void run(Call call) {
        String model = call.lane.model;
        call.lane.failsafe.getStageAsync(ctx -> attempts.attempt(call))
                .whenComplete((completion, error) -> {
                    if (error == null) {
                        metrics.succeeded(model, completion);
                        call.result.complete(call.failed.isEmpty() ? completion : completion.withFailedAttempts(call.failed));
                        return;
                    }
                    if (Failures.unwrap(error) instanceof CircuitBreakerOpenException && waitForCircuit(call)) {
                        return;
                    }
                    LlmException last = finalFailure(error, call);
                    // the last failed attempt is this failure, unless the request ended otherwise (circuit open, budget)
                    List<Completion.FailedAttempt> failed = call.failed;
                    boolean lastIsThis = !failed.isEmpty() && failed.get(failed.size() - 1).attempt() == last.attempts();
                    LlmException failure = last.withEarlierAttempts(lastIsThis ? failed.subList(0, failed.size() - 1) : failed);
                    metrics.failed(model, failure.kind());
                    listeners.fire(ClientListener::onError, new ClientListener.RequestFailed(model, failure));
                    call.result.completeExceptionally(failure);
                });
    }

    /**
     * The model's circuit is open: the request waits until the breaker closes or its open delay has
     * passed (then one waiting request is the trial that decides), and runs again with its retries anew.
     * It gives up when it has waited longer than the outage budget, when the client closes, or when no
     * request ever reached the server: that is a wrong address, not an outage, and every request of the
     * model is stopped. Returns whether it waits.
     */
    private boolean waitForCircuit(Call call) {
        Lane lane = call.lane;
        if (!lane.reachedServer()) {
            LlmException last = lastFailures.get(lane.model);
            if (last != null) {
                stops.stopModel(lane.model, last).ifPresent(this::drain);
            }
            return false;
        }
        long now = nanoTime.getAsLong();
        if (call.waitingSince < 0) {
            call.waitingSince = now;
        }
        long left = call.waitingSince + config.circuitBreaker().outageBudget().toNanos() - now;
        if (left <= 0 || closed) {
            return false;
        }
        lane.breakerWait(CIRCUIT_POLL, Duration.ofNanos(left)).thenRun(() -> {
            if (closed) {
                call.result.completeExceptionally(LlmException.of(ErrorKind.CANCELLED, lane.model, call.attempts.get(),
                        0, null, null, null, "the client closed while the request waited for the circuit of "
                                + lane.model + " to close", null));
            } else {
                run(call);
            }
        });
        return true;
    }

    /** How often a request waiting for an open circuit looks again, at least: one of them becomes the trial. */
    private static final Duration CIRCUIT_POLL = Duration.ofSeconds(1);

    private LlmException finalFailure(Throwable error, Call call) {
        String model = call.lane.model;
        Throwable t = Failures.unwrap(error);
        LlmException failure = t instanceof CircuitBreakerOpenException ? null : Failures.classify(t, model, 0, redactor);
        // refused by the open breaker, or tried and then not sent again: what ended it is what stopped its model
        if (failure == null || failure.kind() == ErrorKind.NOT_SENT && !call.failed.isEmpty()) {
            Optional<Stop> stop = stops.forbidding(model, call.request);
            if (stop.isPresent()) {
                return stop.get().cause();
            }
        }
        if (failure == null) {
            return LlmException.of(ErrorKind.CIRCUIT_OPEN, model, call.attempts.get(), 0, null, null, null,
                    "circuit breaker for " + model + " is open after " + config.circuitBreaker().failureThreshold()
                            + " server failures in a row, and this request waited "
                            + Durations.format(config.circuitBreaker().outageBudget())
                            + " (evalunit.circuit-breaker.outage-budget) for it to close", t);
        }
        return failure;
    }

    /**
     * Takes the requests a new stop forbids out of its model's queue, all at once (so none is granted a
     * permit meanwhile); each ends as not sent. A request granted its permit just before is refused by
     * the check that follows every permit.
     */
    private void drain(Stop stop) {
        LOG.log(System.Logger.Level.WARNING, "no more requests to " + stop.scope() + " are sent: "
                + stop.cause().getMessage() + "; " + stop.advice());
        Lane lane = lanes.existing(stop.model());
        if (lane != null) {
            lane.throttle.cancelQueued(request -> Stops.applies(stop, (ChatRequest) request), () -> notSent(stop));
        }
    }

    static LlmException notSent(Stop stop) {
        stop.refused();
        return LlmException.of(ErrorKind.NOT_SENT, stop.model(), 0, 0, null, null, null, stop.notSentMessage(), null);
    }

    private CompletableFuture<Completion> failed(String model, LlmException failure) {
        metrics.failed(model, failure.kind());
        return CompletableFuture.failedFuture(failure);
    }

    /** What the client has done so far. */
    @Override
    public ClientMetrics metrics() {
        return metrics;
    }

    /** The run's budget cap, which the Batch API coordinator shares so that one cap covers both paths. */
    public BudgetGuard budget() {
        return budget;
    }

    /**
     * The failures that stopped every request of a model, or of one shape of them; empty while none did.
     * A run that has any fails: what they stopped was not asked.
     */
    public List<Stop> stops() {
        return stops.all();
    }

    /** The throttle of a model (created on first use), for monitoring. */
    public ModelThrottle throttle(String model) {
        return lanes.of(model).throttle;
    }

    /** Never: this client speaks to the configured endpoint; a {@link RunClient} may start the simulator. */
    @Override
    public boolean simulated() {
        return false;
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
        lanes.all().forEach(l -> l.throttle.close());
        long deadline = System.nanoTime() + grace.toNanos();
        int unanswered = outstanding.awaitNone(System.nanoTime() + grace.toNanos());
        if (unanswered > 0) {
            LOG.log(System.Logger.Level.WARNING, unanswered + " requests still unanswered at close");
        }
        providers.close();
        scheduler.shutdownNow();
        if (sharedLimits != null) {
            sharedLimits.close();
        }
    }

    /** Options beyond the configuration, mostly seams for tests. */
    public static final class Builder {
        private final EvalConfig config;
        private final List<ClientListener> listeners = new ArrayList<>();
        private LongSupplier nanoTime = System::nanoTime;
        private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();
        private double burstSeconds = 1.0;
        private Supplier<URI> simulator;

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

        /**
         * The built-in simulator's base URL, started on first use, for a provider without a key (Anthropic's when
         * {@code ANTHROPIC_API_KEY} is unset); without it such a provider's requests fail as unauthenticated.
         */
        public Builder simulator(Supplier<URI> simulator) {
            this.simulator = simulator;
            return this;
        }

        public ThrottledClient build() {
            return new ThrottledClient(this);
        }
    }
}
