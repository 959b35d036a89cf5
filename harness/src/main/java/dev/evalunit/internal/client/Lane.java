package dev.evalunit.internal.client;

import dev.evalunit.Completion;
import dev.evalunit.config.ModelPrice;
import dev.failsafe.CircuitBreaker;
import dev.failsafe.FailsafeExecutor;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.TimeUnit;

/**
 * Everything the client keeps per model: its throttle, retries around its own circuit breaker, its
 * price, whether any request ever reached its server, and a signal that the breaker closed (so requests
 * waiting out an outage go on at once). Thread-safe.
 */
final class Lane {

    final String model;
    final ModelThrottle throttle;
    final FailsafeExecutor<Completion> failsafe;
    final CircuitBreaker<Completion> breaker;
    final Optional<ModelPrice> price;
    final int maxConcurrency;
    private volatile boolean reachedServer;
    /** Attempts that ended without any HTTP response while none ever came back. */
    private final AtomicInteger unanswered = new AtomicInteger();
    private volatile CompletableFuture<Void> breakerClosed = CompletableFuture.completedFuture(null);
    /** For a model jtokkit cannot count exactly (Anthropic's): prompt tokens estimated and billed, summed. */
    private final LongAdder promptsEstimated = new LongAdder();
    private final LongAdder promptsBilled = new LongAdder();
    private final boolean exactTokens;

    Lane(String model, ModelThrottle throttle, FailsafeExecutor<Completion> failsafe, CircuitBreaker<Completion> breaker,
         Optional<ModelPrice> price, int maxConcurrency) {
        this.model = model;
        this.throttle = throttle;
        this.failsafe = failsafe;
        this.breaker = breaker;
        this.price = price;
        this.maxConcurrency = maxConcurrency;
        this.exactTokens = ModelTraits.of(model).exactTokens();
    }

    /**
     * The prompt tokens to reserve for a prompt jtokkit counts as {@code estimated}: as counted for a model whose
     * tokenizer jtokkit has, else scaled by what this model's answers billed against what was estimated for them so
     * far (Claude's tokenizer is not public: o200k's count is corrected by the usage that comes back).
     */
    long promptReserve(int estimated) {
        long asked = promptsEstimated.sum();
        if (exactTokens || asked == 0) {
            return estimated;
        }
        return Math.round(estimated * (double) promptsBilled.sum() / asked);
    }

    /** Notes that a prompt estimated at {@code estimated} tokens was billed {@code billed}. */
    void billed(int estimated, int billed) {
        if (!exactTokens && estimated > 0 && billed > 0) {
            promptsEstimated.add(estimated);
            promptsBilled.add(billed);
        }
    }

    /** Whether any HTTP response (an answer or an error status) ever came back for this model. */
    boolean reachedServer() {
        return reachedServer;
    }

    void reached() {
        reachedServer = true;
    }

    /** Counts an attempt that ended without any HTTP response; returns how many have, none having come back. */
    int unanswered() {
        return unanswered.incrementAndGet();
    }

    /** The breaker opened: waiters wait for the next close. */
    synchronized void breakerOpened() {
        if (breakerClosed.isDone()) {
            breakerClosed = new CompletableFuture<>();
        }
    }

    /** The breaker closed after a successful trial: every request waiting for it goes on. */
    void breakerClosed() {
        breakerClosed.complete(null);
    }

    /**
     * Completes when the breaker closes, or after its remaining open delay (when one waiter becomes the
     * trial request), but at least {@code floor} and at most {@code most} from now.
     */
    CompletableFuture<Void> breakerWait(Duration floor, Duration most) {
        Duration remaining = breaker.getRemainingDelay();
        Duration wait = remaining.compareTo(floor) < 0 ? floor : remaining;
        if (wait.compareTo(most) > 0) {
            wait = most;
        }
        return breakerClosed.copy().completeOnTimeout(null, Math.max(1, wait.toNanos()),
                TimeUnit.NANOSECONDS);
    }
}
