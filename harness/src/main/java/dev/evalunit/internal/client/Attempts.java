package dev.evalunit.internal.client;

import dev.evalunit.Completion;
import dev.evalunit.ErrorKind;
import dev.evalunit.LlmException;
import dev.evalunit.client.ClientListener;
import dev.evalunit.config.Durations;
import dev.evalunit.config.EvalConfig;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * One attempt of a request, from the budget to the answer: a stop or the budget may refuse it, the
 * model's throttle grants it a permit, it is sent, and what came back settles the permit, the budget,
 * the stops and the metrics. What the server says it may not say (no usage, a Retry-After of days) is
 * corrected here. The client's {@link Call}s run their attempts through one instance. Thread-safe.
 */
final class Attempts {

    private static final System.Logger LOG = System.getLogger(Attempts.class.getName());

    private final EvalConfig config;
    private final BudgetGuard budget;
    private final MetricsRecorder metrics;
    private final Listeners listeners;
    private final Providers providers;
    private final Stops stops;
    private final Consumer<Stop> drain;
    private final Redactor redactor;
    private final LongSupplier nanoTime;
    private final Map<String, LlmException> lastFailures;
    private final TokenEstimator estimator = TokenEstimator.shared();
    private final Set<String> usageWarned = ConcurrentHashMap.newKeySet();
    private final Set<String> retryAfterWarned = ConcurrentHashMap.newKeySet();

    /**
     * @param drain        takes a new stop's requests out of its model's queue
     * @param lastFailures where a failure that came without any HTTP response is kept, per model
     */
    Attempts(EvalConfig config, BudgetGuard budget, MetricsRecorder metrics, Listeners listeners,
             Providers providers, Stops stops, Consumer<Stop> drain, Redactor redactor, LongSupplier nanoTime,
             Map<String, LlmException> lastFailures) {
        this.config = config;
        this.budget = budget;
        this.metrics = metrics;
        this.listeners = listeners;
        this.providers = providers;
        this.stops = stops;
        this.drain = drain;
        this.redactor = redactor;
        this.nanoTime = nanoTime;
        this.lastFailures = lastFailures;
    }

    CompletableFuture<Completion> attempt(Call call) {
        Lane lane = call.lane;
        String model = lane.model;
        int attempt = call.attempts.incrementAndGet();
        Optional<Stop> stop = stops.forbidding(model, call.request);
        if (stop.isPresent()) {
            return CompletableFuture.failedFuture(ThrottledClient.notSent(stop.get()));
        }
        double estimatedCost = call.estimatedCost;
        double projected = budget.tryReserve(estimatedCost);
        if (projected >= 0) {
            listeners.fire(ClientListener::onBudgetExceeded, new ClientListener.BudgetExceeded(
                    model, budget.capUsd(), projected, estimatedCost));
            return CompletableFuture.failedFuture(budget.refusal(model, "sending this request", estimatedCost, projected));
        }
        CompletableFuture<Completion> result = new CompletableFuture<>();
        CompletableFuture<ModelThrottle.Permit> acquired = lane.throttle.acquire(call.request.priority(), call.tokens,
                call.place, call.request);
        acquired.whenComplete((permit, refused) -> {
            if (refused != null) {
                budget.settle(estimatedCost, 0);
                result.completeExceptionally(Failures.classify(refused, model, attempt, redactor));
                return;
            }
            Optional<Stop> stoppedMeanwhile = stops.forbidding(model, call.request);
            if (stoppedMeanwhile.isPresent()) {
                permit.release(ModelThrottle.Feedback.failure(null, false, null));
                budget.settle(estimatedCost, 0);
                result.completeExceptionally(ThrottledClient.notSent(stoppedMeanwhile.get()));
                return;
            }
            metrics.sent(model, call.sent.compareAndSet(false, true));
            if (!listeners.isEmpty()) {
                listeners.fire(ClientListener::onRequestSent,
                        new ClientListener.RequestSent(model, attempt, call.request.priority(), call.tokens));
            }
            long sentAt = nanoTime.getAsLong();
            CompletableFuture<? extends Provider.Exchange> sent;
            try {
                sent = providers.of(model).send(model, call.request);
            } catch (RuntimeException e) {
                sent = CompletableFuture.failedFuture(e);
            }
            sent.whenComplete((exchange, error) -> {
                try {
                    settle(call, permit, result, exchange, error, attempt, sentAt);
                } catch (Throwable bug) {
                    // A failure here must never leave the caller waiting forever.
                    LOG.log(System.Logger.Level.ERROR, "unexpected failure while completing a request to " + model, bug);
                    permit.release(ModelThrottle.Feedback.failure(null, false, null));
                    result.completeExceptionally(Failures.classify(bug, model, attempt, redactor));
                }
            });
        });
        return result;
    }

    /** Ends one attempt: releases its permit and budget reservation with what came back. */
    private void settle(Call call, ModelThrottle.Permit permit, CompletableFuture<Completion> result,
                        Provider.Exchange exchange, Throwable error, int attempt, long sentAt) {
        Lane lane = call.lane;
        String model = lane.model;
        long now = nanoTime.getAsLong();
        if (error == null) {
            try {
                Completion c = exchange.toCompletion(attempt, now - sentAt, now - call.start, lane.price);
                if (!exchange.hasUsage()) {
                    c = estimatedUsage(call, c);
                }
                lane.reached();
                lane.billed(call.promptTokens, c.promptTokens());
                permit.release(ModelThrottle.Feedback.success(c.promptTokens() + c.completionTokens(),
                        exchange.rateLimitHeaders()));
                lane.throttle.takeWarnings().forEach(w -> LOG.log(System.Logger.Level.WARNING, "evalunit: " + w));
                budget.settle(call.estimatedCost, c.costUsd());
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
        call.failed.add(failure.asFailedAttempt());
        RateLimitHeaders headers = Failures.headersOf(error);
        if (headers != null) {
            lane.reached();
        } else {
            lastFailures.put(model, failure);
        }
        if (failure.kind() == ErrorKind.TIMEOUT) {
            // It may have been processed and billed: count it, and re-send it only so often.
            budget.settlePossiblySpent(call.estimatedCost);
            if (call.timeouts() > config.retry().timeoutResends()) {
                failure = failure.withoutRetries();
            }
        } else {
            budget.settle(call.estimatedCost, 0);
        }
        // Before the permit goes back and lets the next queued request out: a failure that every request
        // of this model (or shape) would meet stops them here.
        stops.record(model, call.request, failure).ifPresent(drain);
        if (headers == null && !lane.reachedServer()
                && lane.unanswered() >= config.circuitBreaker().failureThreshold()) {
            // as many refused connections as open the breaker, and no answer ever: a wrong address, not an outage.
            // Stopped here, not when a retry meets the open breaker (on another thread, after the permit went back
            // and the next queued request was sent to the same nowhere)
            stops.stopModel(model, failure).ifPresent(drain);
        }
        boolean limited = failure.kind() == ErrorKind.RATE_LIMITED;
        Duration retryAfter = cappedRetryAfter(failure);
        permit.release(ModelThrottle.Feedback.failure(headers, limited, retryAfter));
        lane.throttle.takeWarnings().forEach(w -> LOG.log(System.Logger.Level.WARNING, "evalunit: " + w));
        if (limited) {
            metrics.rateLimited(model);
            listeners.fire(ClientListener::onRateLimited, new ClientListener.RateLimited(
                    model, attempt, retryAfter, failure.requestId()));
        }
        result.completeExceptionally(failure);
    }

    /**
     * A 200 without {@code usage} was still processed and billed: its tokens are counted with jtokkit and
     * priced, so the budget and the token bucket are not handed back the whole reservation.
     */
    private Completion estimatedUsage(Call call, Completion c) {
        String model = call.lane.model;
        int output = c.choices().stream().mapToInt(text -> estimator.countText(model, text)).sum();
        double cost = call.lane.price.map(p -> p.cost(call.promptTokens, 0, output, false)).orElse(0.0);
        if (usageWarned.add(model)) {
            LOG.log(System.Logger.Level.WARNING, model + " answered without usage; its tokens and cost are "
                    + "estimated with jtokkit (" + call.promptTokens + " in, " + output + " out for the first)");
        }
        return c.withUsage(call.promptTokens, output, cost);
    }

    /**
     * The server's {@code Retry-After}, obeyed in full up to {@code evalunit.retry.max-retry-after}: a
     * larger one (a broken header, days) is capped with a warning, so it can neither park the run for
     * days nor overflow the throttle's clock.
     */
    Duration cappedRetryAfter(LlmException failure) {
        Duration asked = failure.retryAfter();
        Duration cap = config.retry().maxRetryAfter();
        if (asked == null || asked.compareTo(cap) <= 0) {
            return asked;
        }
        if (retryAfterWarned.add(failure.model())) {
            LOG.log(System.Logger.Level.WARNING, failure.model() + " asked to wait " + Durations.format(asked)
                    + " (Retry-After); waiting " + Durations.format(cap)
                    + " instead (evalunit.retry.max-retry-after)");
        }
        return cap;
    }

}
