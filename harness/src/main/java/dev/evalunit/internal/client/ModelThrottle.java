package dev.evalunit.internal.client;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.evalunit.Priority;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.PriorityQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apiguardian.api.API;

/**
 * Decides when each request for one model may be sent: a priority queue in front of an RPM bucket,
 * a TPM bucket and a concurrency limit. This class is threadsafe.
 *
 * <p>A caller {@link #acquire acquires} a {@link Permit} for a request of an estimated token count,
 * sends when the future completes, and {@link Permit#release releases} with what the response
 * said. Nothing blocks: a request that cannot go yet waits in the queue, and the throttle wakes
 * itself on the scheduler when the buckets will have refilled, or when a permit comes back.
 *
 * <p>Limits come from configuration, or are learned from the server's {@code x-ratelimit-*} headers, and
 * each response corrects the buckets ({@link RateBuckets}); a 429 pauses the model for the server's
 * {@code retry-after} in full. Until the first response of any kind has come back, one request goes at a time;
 * then the {@link ConcurrencyLimit} adapts to 429s. This class queues, dispatches and hands out permits.
 */
@API(status = INTERNAL, since = "0.1")
final class ModelThrottle implements AutoCloseable {

    /**
     * How one model is throttled.
     *
     * @param requestsPerMinute configured RPM, or empty to learn it from headers
     * @param tokensPerMinute   configured TPM, or empty to learn it from headers
     * @param maxConcurrency    the most requests in flight at once
     * @param adaptive          whether concurrency adapts to 429s (AIMD) or stays at the maximum
     * @param burstSeconds      how many seconds of the per-minute limit may go at once (1 matches
     *                          OpenAI's documented per-second enforcement of per-minute limits)
     * @param derived           whether the requests in flight follow what the limits need (rate times the
     *                          observed latency, with headroom) up to {@code maxConcurrency}, rather than
     *                          {@code maxConcurrency} itself being the aim
     */
    public record Settings(OptionalLong requestsPerMinute, OptionalLong tokensPerMinute, int maxConcurrency,
                           boolean adaptive, double burstSeconds, boolean derived) {
        public Settings {
            if (maxConcurrency < 1) {
                throw new IllegalArgumentException("maxConcurrency must be >= 1 but was " + maxConcurrency);
            }
            if (!(burstSeconds > 0)) {
                throw new IllegalArgumentException("burstSeconds must be > 0 but was " + burstSeconds);
            }
        }

        /** Settings whose {@code maxConcurrency} is an explicit cap and the aim. */
        public Settings(OptionalLong requestsPerMinute, OptionalLong tokensPerMinute, int maxConcurrency,
                        boolean adaptive, double burstSeconds) {
            this(requestsPerMinute, tokensPerMinute, maxConcurrency, adaptive, burstSeconds, false);
        }
    }

    /**
     * What a finished attempt tells the throttle.
     *
     * @param actualTokens   tokens the response's usage reported, or -1 when there was no usage (a failure)
     * @param headers        the response's rate-limit headers ({@link RateLimitHeaders#NONE} when none)
     * @param rateLimited    whether the server answered 429
     * @param retryAfter     how long the server asked us to wait, or {@code null}
     * @param reachedServer  whether any HTTP response came back (false for connection failures)
     */
    public record Feedback(long actualTokens, RateLimitHeaders headers, boolean rateLimited, Duration retryAfter,
                           boolean reachedServer) {
        public static Feedback success(long actualTokens, RateLimitHeaders headers) {
            return new Feedback(actualTokens, headers, false, null, true);
        }

        public static Feedback failure(RateLimitHeaders headers, boolean rateLimited, Duration retryAfter) {
            return new Feedback(-1, headers, rateLimited, retryAfter, headers != null);
        }
    }

    private final String model;
    private final LongSupplier nanoTime;
    private final Wakeups wakeups;
    private final ReentrantLock lock = new ReentrantLock();
    private final PriorityQueue<QueuedRequest> queue = new PriorityQueue<>();
    /** The RPM and TPM buckets, the pause after a 429, and the shared gate; under the lock. */
    private final RateBuckets rates;
    /** How many may be in flight; under the lock. */
    private final ConcurrencyLimit concurrency;

    private long sequence;
    private int inFlight;
    private long wakeAt = Long.MAX_VALUE;
    private boolean closed;

    public ModelThrottle(String model, Settings settings, LongSupplier nanoTime, Wakeups wakeups) {
        this(model, settings, nanoTime, wakeups, null);
    }

    /**
     * A throttle that also draws on limits shared with other processes ({@code gate}; {@code null} for none): a
     * request leaves when this process's buckets and the shared ones both allow it, and a 429 pauses them all.
     */
    public ModelThrottle(String model, Settings settings, LongSupplier nanoTime, Wakeups wakeups,
                         SharedGate gate) {
        this.model = model;
        this.nanoTime = nanoTime;
        this.wakeups = wakeups;
        this.rates = new RateBuckets(model, settings, gate, nanoTime.getAsLong());
        this.concurrency = new ConcurrencyLimit(settings, rates);
        if (gate != null) {
            // a lease from the shared buckets came in (on a thread that talks to Redis): dispatch on ours
            gate.onLease(() -> wakeups.schedule(this::dispatch, 0));
        }
    }

    /**
     * Queues a request of {@code estimatedTokens} (prompt plus the completion reserved); the future
     * completes when it may be sent. Cancelling the future takes the request out of the queue.
     */
    public CompletableFuture<Permit> acquire(Priority priority, long estimatedTokens) {
        return acquire(priority, estimatedTokens, Long.MAX_VALUE);
    }

    /**
     * Like {@link #acquire(Priority, long)}, but within its priority the request goes in
     * {@code order} (lowest first) before the order of arrival: a retry that passes its first
     * attempt's order keeps its place instead of queueing behind everything submitted since.
     */
    public CompletableFuture<Permit> acquire(Priority priority, long estimatedTokens, long order) {
        return acquire(priority, estimatedTokens, order, null);
    }

    /**
     * As {@link #acquire(Priority, long, long)}, with {@code tag} (e.g. the request) by which
     * {@link #cancelQueued} can pick it out of the queue.
     */
    public CompletableFuture<Permit> acquire(Priority priority, long estimatedTokens, long order, Object tag) {
        QueuedRequest waiter = new QueuedRequest(priority, estimatedTokens, order, tag);
        lock.lock();
        try {
            if (closed) {
                waiter.future.completeExceptionally(new CancellationException("the client for " + model + " is closed"));
                return waiter.future;
            }
            waiter.sequence = sequence++;
            queue.add(waiter);
        } finally {
            lock.unlock();
        }
        dispatch();
        return waiter.future;
    }

    /** Requests sent and not yet released. */
    public int inFlight() {
        return locked(() -> inFlight);
    }

    /** Requests waiting for capacity. */
    public int queued() {
        return locked(queue::size);
    }

    /** The concurrency limit now in force (adapted, and 1 while limits are still being learned). */
    public int concurrencyLimit() {
        return locked(concurrency::current);
    }

    /** The requests-per-minute limit in force, or 0 when none is known. */
    public double requestsPerMinute() {
        return locked(rates.requests::perMinute);
    }

    /** The tokens-per-minute limit in force, or 0 when none is known. */
    public double tokensPerMinute() {
        return locked(rates.tokens::perMinute);
    }

    /** The average round trip of answered requests so far, or {@link Duration#ZERO} before the first. */
    public Duration averageLatency() {
        return locked(concurrency::averageLatency);
    }

    /**
     * What the throttle noticed that a user should hear once, e.g. a configured limit above the server's, and
     * forgets it. The client logs these.
     */
    public List<String> takeWarnings() {
        if (!rates.warned()) {
            return List.of(); // the common case, without the lock
        }
        return locked(rates::takeWarnings);
    }

    private <T> T locked(Supplier<T> read) {
        lock.lock();
        try {
            return read.get();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes the queued requests whose tags {@code which} picks out of the queue at once, so none of them
     * can be granted a permit afterwards, and fails each with {@code why}. Returns how many it took.
     */
    public int cancelQueued(Predicate<Object> which,
                            Supplier<? extends Throwable> why) {
        List<QueuedRequest> taken = new ArrayList<>();
        lock.lock();
        try {
            queue.removeIf(w -> {
                boolean pick = w.tag != null && which.test(w.tag);
                if (pick) {
                    taken.add(w);
                }
                return pick;
            });
        } finally {
            lock.unlock();
        }
        int cancelled = 0;
        for (QueuedRequest waiter : taken) {
            if (waiter.future.completeExceptionally(why.get())) {
                cancelled++;
            }
        }
        return cancelled;
    }

    /** Fails every queued request; permits already granted may still be released. */
    @Override
    public void close() {
        List<QueuedRequest> dropped;
        lock.lock();
        try {
            closed = true;
            dropped = new ArrayList<>(queue);
            queue.clear();
        } finally {
            lock.unlock();
        }
        for (QueuedRequest waiter : dropped) {
            waiter.future.completeExceptionally(new CancellationException("the client for " + model + " is closed"));
        }
    }

    private void dispatch() {
        List<QueuedRequest> ready = null;
        lock.lock();
        try {
            long now = nanoTime.getAsLong();
            while (!queue.isEmpty() && inFlight < concurrency.current()) {
                QueuedRequest head = queue.peek();
                if (head.future.isDone()) {
                    queue.poll();
                    continue;
                }
                long wait = rates.tryTake(head.tokens, now);
                if (wait > 0) {
                    wakeIn(wait, now);
                    break;
                }
                queue.poll();
                inFlight++;
                head.sentAt = now;
                head.inFlightAtSend = inFlight;
                head.atSend = rates.atSend(now);
                if (ready == null) {
                    ready = new ArrayList<>(4);
                }
                ready.add(head);
            }
        } finally {
            lock.unlock();
        }
        if (ready != null) {
            for (QueuedRequest waiter : ready) {
                if (!waiter.future.complete(new Permit(waiter))) {
                    // the caller cancelled after capacity was granted: hand the capacity back
                    released(waiter, Feedback.failure(null, false, null));
                }
            }
        }
    }

    /** Schedules a dispatch {@code nanos} from now unless one is due sooner. Called under the lock. */
    private void wakeIn(long nanos, long now) {
        long at = now + nanos;
        if (at >= wakeAt && wakeAt > now) {
            return;
        }
        wakeAt = at;
        wakeups.schedule(() -> wake(at), nanos);
    }

    /**
     * A scheduled dispatch. One that a sooner wake-up replaced does nothing: were it to dispatch, each
     * replaced wake-up would start a chain of its own (refused, scheduled again, ...), and with shared limits
     * every link of every chain is a read of Redis.
     */
    private void wake(long at) {
        lock.lock();
        try {
            if (wakeAt != at) {
                return;
            }
            wakeAt = Long.MAX_VALUE;
        } finally {
            lock.unlock();
        }
        dispatch();
    }
    private void released(QueuedRequest waiter, Feedback feedback) {
        lock.lock();
        try {
            long now = nanoTime.getAsLong();
            inFlight--;
            if (feedback.actualTokens() >= 0) {
                concurrency.answered(waiter.tokens, now - waiter.sentAt);
                rates.giveBack(waiter.tokens - feedback.actualTokens(), now);
            } else if (!feedback.reachedServer() || feedback.rateLimited()) {
                // Nothing was processed, so nothing was billed against the token limit.
                rates.giveBack(waiter.tokens, now);
            }
            if (feedback.headers() != null) {
                concurrency.limitsKnown();
            }
            rates.learn(feedback.headers(), waiter.atSend, waiter.sentAt, now);
            if (feedback.reachedServer()) {
                concurrency.probed();
            }
            if (feedback.rateLimited()) {
                rates.pause(feedback.retryAfter(), now);
            }
            if (feedback.reachedServer()) {
                concurrency.adapt(waiter.sentAt, waiter.inFlightAtSend, feedback.rateLimited(), now);
            }
        } finally {
            lock.unlock();
        }
        dispatch();
    }

    @Override
    public String toString() {
        return "ModelThrottle[" + model + ", " + rates + "]";
    }

    /** The right to send one request; release it exactly once when the attempt ends. */
    public final class Permit {
        private final QueuedRequest waiter;
        private boolean released;

        private Permit(QueuedRequest waiter) {
            this.waiter = waiter;
        }

        /** The tokens reserved for this request. */
        public long reservedTokens() {
            return waiter.tokens;
        }

        /** Returns the capacity with what the response said; later calls do nothing. */
        public synchronized void release(Feedback feedback) {
            if (released) {
                return;
            }
            released = true;
            released(waiter, feedback);
        }
    }
}
