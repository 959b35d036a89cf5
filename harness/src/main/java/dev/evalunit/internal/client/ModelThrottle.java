package dev.evalunit.internal.client;

import com.netflix.concurrency.limits.limit.AIMDLimit;
import dev.evalunit.Priority;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.PriorityQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Decides when each request for one model may be sent: a priority queue in front of an RPM bucket,
 * a TPM bucket and a concurrency limit. This class is threadsafe.
 *
 * <p>A caller {@link #acquire acquires} a {@link Permit} for a request of an estimated token count,
 * sends when the future completes, and {@link Permit#release releases} with what the response
 * said. Nothing blocks: a request that cannot go yet waits in the queue, and the throttle wakes
 * itself on the scheduler when the buckets will have refilled, or when a permit comes back.
 *
 * <p>Limits come from configuration, or are learned from the first response's
 * {@code x-ratelimit-limit-*} headers. Until the first response of any kind has come back, one request
 * goes at a time whatever the limits: it probes the model, so a wrong key, an exhausted quota or an
 * unknown model is met by one request rather than by every request in flight. Each response's
 * {@code x-ratelimit-remaining-*} is compared with what our bucket held when that request left,
 * and any excess is taken from the bucket, so the throttle slows before the server's limit rather
 * than learning of it from a 429. A 429 pauses the model for the server's
 * {@code retry-after} in full and halves the concurrency (AIMD), once per congestion event: the 429s of
 * requests sent before the last decrease belong to the burst that caused it, so ten 429s of one burst
 * halve it once, as TCP halves its window once per round trip. Successes raise it by one again, up to
 * the configured maximum.
 */
public final class ModelThrottle implements AutoCloseable {

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

    private static final Duration DEFAULT_PAUSE_AFTER_429 = Duration.ofSeconds(1);
    /** Where derived concurrency starts, and stays while no rate is known: the old fixed default. */
    static final int DERIVED_START = 10;
    /** Headroom over rate times latency, for latency that varies from one answer to the next. */
    private static final double DERIVED_HEADROOM = 1.25;
    /** Weight of the newest round trip in the latency average. */
    private static final double LATENCY_WEIGHT = 0.1;

    private final String model;
    private final Settings settings;
    private final LongSupplier nanoTime;
    private final Wakeups wakeups;
    private final ReentrantLock lock = new ReentrantLock();
    private final PriorityQueue<Waiter> queue = new PriorityQueue<>();
    private final AIMDLimit aimd;
    private final TokenBucket requests;
    private final TokenBucket tokens;
    /** Limits shared with other processes, or {@code null}. */
    private final SharedGate gate;
    private final boolean learnRequests;
    private final boolean learnTokens;

    private long sequence;
    private int inFlight;
    private boolean limitsKnown;
    private boolean probed;
    private long lastDecreaseAt = Long.MIN_VALUE;
    private long pausedUntil;
    private long wakeAt = Long.MAX_VALUE;
    private boolean closed;
    /** Average round trip of answered requests, nanoseconds; 0 before the first. */
    private double latencyNanos;
    /** With derived concurrency, the share of what the rate needs that is used: halved by a 429, regrown by successes. */
    private double derivedShare = 1;
    /** Average tokens reserved per request; 0 before the first. */
    private double tokensPerRequest;
    private final List<String> warnings = new ArrayList<>();
    private volatile boolean warned;

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
        this.gate = gate;
        this.settings = settings;
        this.nanoTime = nanoTime;
        this.wakeups = wakeups;
        long now = nanoTime.getAsLong();
        this.pausedUntil = now;
        this.learnRequests = settings.requestsPerMinute().isEmpty();
        this.learnTokens = settings.tokensPerMinute().isEmpty();
        this.requests = bucket(settings.requestsPerMinute(), settings.burstSeconds(), now);
        this.tokens = bucket(settings.tokensPerMinute(), settings.burstSeconds(), now);
        this.limitsKnown = !learnRequests && !learnTokens;
        if (gate != null) {
            gate.limits(requests.perMinute(), tokens.perMinute(), settings.burstSeconds(), now);
            // a lease from the shared buckets came in (on a thread that talks to Redis): dispatch on ours
            gate.onLease(() -> wakeups.schedule(this::dispatch, 0));
        }
        this.aimd = AIMDLimit.newBuilder()
                .initialLimit(settings.derived() ? Math.min(DERIVED_START, settings.maxConcurrency())
                        : settings.maxConcurrency())
                .maxLimit(settings.maxConcurrency())
                .minLimit(1)
                .backoffRatio(0.5)
                .timeout(1, TimeUnit.DAYS) // a slow answer is not a congestion signal; only a 429 is
                .build();
    }

    private static TokenBucket bucket(OptionalLong perMinute, double burstSeconds, long now) {
        return perMinute.isPresent() ? TokenBucket.perMinute(perMinute.getAsLong(), burstSeconds, now)
                : TokenBucket.unlimited();
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
        Waiter waiter = new Waiter(priority, estimatedTokens, order, tag);
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
        lock.lock();
        try {
            return inFlight;
        } finally {
            lock.unlock();
        }
    }

    /** Requests waiting for capacity. */
    public int queued() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /** The concurrency limit now in force (adapted, and 1 while limits are still being learned). */
    public int concurrencyLimit() {
        lock.lock();
        try {
            return currentLimit();
        } finally {
            lock.unlock();
        }
    }

    /** The requests-per-minute limit in force, or 0 when none is known. */
    public double requestsPerMinute() {
        lock.lock();
        try {
            return requests.perMinute();
        } finally {
            lock.unlock();
        }
    }

    /** The tokens-per-minute limit in force, or 0 when none is known. */
    public double tokensPerMinute() {
        lock.lock();
        try {
            return tokens.perMinute();
        } finally {
            lock.unlock();
        }
    }

    private int currentLimit() {
        if (!limitsKnown || !probed) {
            return 1;
        }
        if (settings.derived() && rateKnown()) {
            // what the rate needs, from the first answer on; a 429 halves the share of it we use
            int needed = derivedLimit();
            return settings.adaptive() ? (int) Math.max(1, Math.ceil(needed * derivedShare)) : needed;
        }
        int aim = settings.derived() ? derivedLimit() : settings.maxConcurrency();
        return settings.adaptive() ? Math.min(aimd.getLimit(), aim) : aim;
    }

    private boolean rateKnown() {
        return !requests.isUnlimited() || !tokens.isUnlimited() && tokensPerRequest > 0;
    }

    /**
     * What the limits need in flight: the rate they allow (requests a second, or the token limit over the
     * tokens a request reserves, whichever is lower) times the average round trip, with headroom, up to the
     * cap. While no latency is known, the old fixed default; while no rate is, the cap, under the AIMD limit
     * that grows from that default.
     */
    private int derivedLimit() {
        double perSecond = requests.isUnlimited() ? Double.POSITIVE_INFINITY : requests.perMinute() / 60;
        if (!tokens.isUnlimited() && tokensPerRequest > 0) {
            perSecond = Math.min(perSecond, tokens.perMinute() / 60 / tokensPerRequest);
        }
        if (Double.isInfinite(perSecond)) {
            // no rate to aim at: the AIMD limit grows from DERIVED_START when adaptive
            return settings.adaptive() ? settings.maxConcurrency() : Math.min(DERIVED_START, settings.maxConcurrency());
        }
        if (latencyNanos <= 0) {
            return Math.min(DERIVED_START, settings.maxConcurrency()); // no answer yet to time
        }
        double needed = perSecond * latencyNanos / 1e9 * DERIVED_HEADROOM;
        return (int) Math.max(1, Math.min(settings.maxConcurrency(), Math.ceil(needed) + 1));
    }

    /** The average round trip of answered requests so far, or {@link Duration#ZERO} before the first. */
    public Duration averageLatency() {
        lock.lock();
        try {
            return Duration.ofNanos((long) latencyNanos);
        } finally {
            lock.unlock();
        }
    }

    /**
     * What the throttle noticed that a user should hear once, e.g. a configured limit above the server's, and
     * forgets it. The client logs these.
     */
    public List<String> takeWarnings() {
        if (!warned) {
            return List.of(); // the common case, without the lock
        }
        lock.lock();
        try {
            List<String> taken = List.copyOf(warnings);
            warnings.clear();
            warned = false;
            return taken;
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
        List<Waiter> taken = new ArrayList<>();
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
        for (Waiter waiter : taken) {
            if (waiter.future.completeExceptionally(why.get())) {
                cancelled++;
            }
        }
        return cancelled;
    }

    /** Fails every queued request; permits already granted may still be released. */
    @Override
    public void close() {
        List<Waiter> dropped;
        lock.lock();
        try {
            closed = true;
            dropped = new ArrayList<>(queue);
            queue.clear();
        } finally {
            lock.unlock();
        }
        for (Waiter waiter : dropped) {
            waiter.future.completeExceptionally(new CancellationException("the client for " + model + " is closed"));
        }
    }

    private void dispatch() {
        List<Waiter> ready = null;
        lock.lock();
        try {
            long now = nanoTime.getAsLong();
            while (!queue.isEmpty() && inFlight < currentLimit()) {
                Waiter head = queue.peek();
                if (head.future.isDone()) {
                    queue.poll();
                    continue;
                }
                long wait = Math.max(pausedUntil - now,
                        Math.max(requests.nanosUntil(1, now), tokens.nanosUntil(head.tokens, now)));
                if (wait == 0 && gate != null) {
                    wait = gate.pausedNanos(now);
                    if (wait == 0) {
                        wait = gate.tryTake(head.tokens, now); // taken from the shared buckets when 0
                    }
                }
                if (wait > 0) {
                    wakeIn(wait, now);
                    break;
                }
                queue.poll();
                requests.take(1, now);
                tokens.take(head.tokens, now);
                inFlight++;
                head.sent = true;
                head.sentAt = now;
                head.inFlightAtSend = inFlight;
                head.requestsAtSend = requests.level(now);
                head.requestCorrectionsAtSend = requests.corrections();
                head.tokensAtSend = tokens.level(now);
                head.tokenCorrectionsAtSend = tokens.corrections();
                if (ready == null) {
                    ready = new ArrayList<>(4);
                }
                ready.add(head);
            }
        } finally {
            lock.unlock();
        }
        if (ready != null) {
            for (Waiter waiter : ready) {
                if (!waiter.future.complete(new Permit(waiter))) {
                    waiter.permitUnused();
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

    private void released(Waiter waiter, Feedback feedback) {
        lock.lock();
        try {
            long now = nanoTime.getAsLong();
            inFlight--;
            if (feedback.actualTokens() >= 0) {
                double trip = now - waiter.sentAt;
                latencyNanos = latencyNanos == 0 ? trip : latencyNanos + LATENCY_WEIGHT * (trip - latencyNanos);
                tokensPerRequest = tokensPerRequest == 0 ? waiter.tokens
                        : tokensPerRequest + LATENCY_WEIGHT * (waiter.tokens - tokensPerRequest);
                tokens.give(waiter.tokens - feedback.actualTokens(), now);
                if (gate != null) {
                    gate.settle(waiter.tokens - feedback.actualTokens(), now);
                }
            } else if (!feedback.reachedServer() || feedback.rateLimited()) {
                // Nothing was processed, so nothing was billed against the token limit.
                tokens.give(waiter.tokens, now);
                if (gate != null) {
                    gate.settle(waiter.tokens, now);
                }
            }
            learn(waiter, feedback.headers(), now);
            if (feedback.reachedServer()) {
                probed = true;
            }
            if (feedback.rateLimited()) {
                Duration pause = feedback.retryAfter() != null ? feedback.retryAfter() : DEFAULT_PAUSE_AFTER_429;
                pausedUntil = Math.max(pausedUntil, saturatedAdd(now, pause));
                if (gate != null) {
                    gate.pause(System.currentTimeMillis() + Math.min(pause.toMillis(), Duration.ofMinutes(10).toMillis()),
                            now);
                }
            }
            if (settings.adaptive() && feedback.reachedServer()) {
                boolean newCongestion = feedback.rateLimited() && waiter.sentAt > lastDecreaseAt;
                if (!feedback.rateLimited() || newCongestion) {
                    aimd.onSample(waiter.sentAt, now - waiter.sentAt, waiter.inFlightAtSend, newCongestion);
                }
                if (newCongestion) {
                    lastDecreaseAt = now;
                }
                if (settings.derived() && rateKnown()) {
                    int needed = derivedLimit();
                    derivedShare = newCongestion ? Math.max(1.0 / needed, derivedShare / 2)
                            : feedback.rateLimited() ? derivedShare : Math.min(1, derivedShare + 1.0 / needed);
                }
            }
        } finally {
            lock.unlock();
        }
        dispatch();
    }

    /** {@code now} plus {@code pause}, at most {@link Long#MAX_VALUE}: a pause of centuries must not wrap around. */
    private static long saturatedAdd(long now, Duration pause) {
        long nanos;
        try {
            nanos = pause.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
        long at = now + nanos;
        return nanos > 0 && at < now ? Long.MAX_VALUE : at;
    }

    private void learn(Waiter waiter, RateLimitHeaders headers, long now) {
        if (headers == null) {
            return;
        }
        limitsKnown = true;
        if (!waiter.sent) {
            return; // never sent: nothing of the server's to compare with
        }
        learnAndSync(requests, learnRequests, headers.limitRequests(), headers.remainingRequests(),
                waiter.requestsAtSend, waiter.requestCorrectionsAtSend, now, "requests");
        learnAndSync(tokens, learnTokens, headers.limitTokens(), headers.remainingTokens(),
                waiter.tokensAtSend, waiter.tokenCorrectionsAtSend, now, "tokens");
        if (gate != null) {
            // the server's remaining is every process's: it corrects the shared buckets, not this process's own
            gate.correct(headers.remainingRequests(), headers.limitRequests(), headers.remainingTokens(),
                    headers.limitTokens(), now - waiter.sentAt, now);
        }
    }

    /**
     * Takes the server's limit when we learn it, or when it is lower than the configured one (the server's is
     * what its 429s enforce; said once).
     */
    private void learnAndSync(TokenBucket bucket, boolean learn, long limit, long remaining, double levelAtSend,
                              double correctionsAtSend, long now, String what) {
        boolean learned = false;
        if (limit > 0 && (learn ? limit != bucket.perMinute() : limit < bucket.perMinute())) {
            if (!learn) {
                warned = true;
                warnings.add(String.format(Locale.ROOT, "%s: the server allows %,d %s per minute, fewer than "
                        + "the %,.0f configured; the server's limit is used", model, limit, what, bucket.perMinute()));
            }
            bucket.setRate(limit, settings.burstSeconds(), now);
            learned = true;
            if (gate != null) {
                gate.limits(requests.perMinute(), tokens.perMinute(), settings.burstSeconds(), now);
            }
        }
        if (remaining < 0 || gate != null) {
            // with shared limits the server's remaining is every process's, which the shared bucket stands for
            // (learn corrects it): synced to it, this process's bucket would hold back what the shared one counts
            return;
        }
        double server = serverLevel(bucket, remaining, limit);
        if (learned || !Double.isFinite(levelAtSend)) {
            // No level of ours to compare with when the request left: start where the server is.
            bucket.clampTo(server, now);
        } else {
            bucket.syncTo(levelAtSend, correctionsAtSend, server, now);
        }
    }

    /**
     * What the server had left, in our bucket's units. OpenAI reports what remains of the
     * per-minute limit while our bucket holds {@code burstSeconds} of it, so "1,939 of 60,000 left"
     * means our 1,000-token bucket should hold at most 32.
     */
    private static double serverLevel(TokenBucket bucket, long remaining, long limit) {
        return limit > 0 ? (double) remaining / limit * bucket.capacity() : remaining;
    }

    @Override
    public String toString() {
        return "ModelThrottle[" + model + ", rpm " + requests + ", tpm " + tokens + "]";
    }

    private final class Waiter implements Comparable<Waiter> {
        final Priority priority;
        final long tokens;
        final CompletableFuture<Permit> future = new CompletableFuture<>();
        final long order;
        final Object tag;
        long sequence;
        boolean sent;
        long sentAt;
        int inFlightAtSend;
        double requestsAtSend;
        double requestCorrectionsAtSend;
        double tokensAtSend;
        double tokenCorrectionsAtSend;

        Waiter(Priority priority, long tokens, long order, Object tag) {
            this.priority = priority;
            this.tokens = tokens;
            this.order = order;
            this.tag = tag;
        }

        @Override
        public int compareTo(Waiter other) {
            int byPriority = priority.compareTo(other.priority);
            if (byPriority != 0) {
                return byPriority;
            }
            int byOrder = Long.compare(order, other.order);
            return byOrder != 0 ? byOrder : Long.compare(sequence, other.sequence);
        }

        /** The caller cancelled after capacity was granted: hand the capacity back. */
        void permitUnused() {
            released(this, Feedback.failure(null, false, null));
        }
    }

    /** The right to send one request; release it exactly once when the attempt ends. */
    public final class Permit {
        private final Waiter waiter;
        private boolean released;

        private Permit(Waiter waiter) {
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
