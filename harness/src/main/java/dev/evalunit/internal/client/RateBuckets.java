package dev.evalunit.internal.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * One model's rate limits as its {@link ModelThrottle} keeps to them: an RPM and a TPM bucket, the pause after a
 * 429, and the {@link SharedGate} behind them when limits are shared with other processes; the limits are
 * configured or learned from the server's {@code x-ratelimit-*} headers, and the buckets corrected by them. Not
 * thread-safe: guarded by its throttle's lock.
 *
 * <p>Each response's {@code x-ratelimit-remaining-*} is compared with what our bucket held when that request
 * left, and any excess is taken from the bucket, so the throttle slows before the server's limit rather than
 * learning of it from a 429.
 */
final class RateBuckets {

    private static final Duration DEFAULT_PAUSE_AFTER_429 = Duration.ofSeconds(1);
    /** The longest pause a 429 asks of the other processes: a retry-after of days is the server's mistake. */
    private static final long MAX_SHARED_PAUSE_MILLIS = Duration.ofMinutes(10).toMillis();

    /**
     * What the buckets held when a request left, to compare the server's remaining with when it answers.
     *
     * @param requests           the RPM bucket's level
     * @param requestCorrections the RPM bucket's corrections so far
     * @param tokens             the TPM bucket's level
     * @param tokenCorrections   the TPM bucket's corrections so far
     */
    record AtSend(double requests, double requestCorrections, double tokens, double tokenCorrections) {
    }

    private final String model;
    private final double burstSeconds;
    final TokenBucket requests;
    final TokenBucket tokens;
    /** Limits shared with other processes, or {@code null}. */
    private final SharedGate gate;
    private final boolean learnRequests;
    private final boolean learnTokens;
    private long pausedUntil;
    private final List<String> warnings = new ArrayList<>();
    /** Whether there are warnings, read without the lock. */
    private volatile boolean warned;

    RateBuckets(String model, ModelThrottle.Settings settings, SharedGate gate, long now) {
        this.model = model;
        this.burstSeconds = settings.burstSeconds();
        this.gate = gate;
        this.pausedUntil = now;
        this.learnRequests = settings.requestsPerMinute().isEmpty();
        this.learnTokens = settings.tokensPerMinute().isEmpty();
        this.requests = bucket(settings.requestsPerMinute(), burstSeconds, now);
        this.tokens = bucket(settings.tokensPerMinute(), burstSeconds, now);
        if (gate != null) {
            gate.limits(requests.perMinute(), tokens.perMinute(), burstSeconds, now);
        }
    }

    private static TokenBucket bucket(OptionalLong perMinute, double burstSeconds, long now) {
        return perMinute.isPresent() ? TokenBucket.perMinute(perMinute.getAsLong(), burstSeconds, now)
                : TokenBucket.unlimited();
    }

    /** Whether both limits are configured, so none is left to learn. */
    boolean configured() {
        return !learnRequests && !learnTokens;
    }

    /**
     * Takes one request and {@code estimatedTokens} when the pause, the buckets and the shared gate all allow it:
     * 0 then, else how many nanoseconds to wait (nothing is taken).
     */
    long tryTake(long estimatedTokens, long now) {
        long wait = Math.max(pausedUntil - now,
                Math.max(requests.nanosUntil(1, now), tokens.nanosUntil(estimatedTokens, now)));
        if (wait == 0 && gate != null) {
            wait = gate.pausedNanos(now);
            if (wait == 0) {
                wait = gate.tryTake(estimatedTokens, now); // taken from the shared buckets when 0
            }
        }
        if (wait == 0) {
            requests.take(1, now);
            tokens.take(estimatedTokens, now);
        }
        return wait;
    }

    /** What the buckets hold now, as a request leaves. */
    AtSend atSend(long now) {
        return new AtSend(requests.level(now), requests.corrections(), tokens.level(now), tokens.corrections());
    }

    /** Gives back {@code unused} of the tokens a request reserved (negative: takes what it used beyond). */
    void giveBack(long unused, long now) {
        tokens.give(unused, now);
        if (gate != null) {
            gate.settle(unused, now);
        }
    }

    /** A 429: this model pauses for the server's {@code retry-after} in full (or a second), here and in every process. */
    void pause(Duration retryAfter, long now) {
        Duration pause = retryAfter != null ? retryAfter : DEFAULT_PAUSE_AFTER_429;
        pausedUntil = Math.max(pausedUntil, saturatedAdd(now, pause));
        if (gate != null) {
            gate.pause(System.currentTimeMillis() + Math.min(pause.toMillis(), MAX_SHARED_PAUSE_MILLIS), now);
        }
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

    /**
     * Learns from the headers of the answer to a request sent at {@code sentAt} with the buckets at
     * {@code atSend} ({@code null}: never sent, so nothing of the server's to compare with).
     */
    void learn(RateLimitHeaders headers, AtSend atSend, long sentAt, long now) {
        if (headers == null || atSend == null) {
            return;
        }
        learnAndSync(requests, learnRequests, headers.limitRequests(), headers.remainingRequests(),
                atSend.requests(), atSend.requestCorrections(), now, "requests");
        learnAndSync(tokens, learnTokens, headers.limitTokens(), headers.remainingTokens(),
                atSend.tokens(), atSend.tokenCorrections(), now, "tokens");
        if (gate != null) {
            // the server's remaining is every process's: it corrects the shared buckets, not this process's own
            gate.correct(headers.remainingRequests(), headers.limitRequests(), headers.remainingTokens(),
                    headers.limitTokens(), now - sentAt, now);
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
            bucket.setRate(limit, burstSeconds, now);
            learned = true;
            if (gate != null) {
                gate.limits(requests.perMinute(), tokens.perMinute(), burstSeconds, now);
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

    /** Whether {@link #takeWarnings} has any, read without the lock. */
    boolean warned() {
        return warned;
    }

    /** What a user should hear once, e.g. a configured limit above the server's; forgotten once taken. */
    List<String> takeWarnings() {
        List<String> taken = List.copyOf(warnings);
        warnings.clear();
        warned = false;
        return taken;
    }

    @Override
    public String toString() {
        return "rpm " + requests + ", tpm " + tokens;
    }
}
