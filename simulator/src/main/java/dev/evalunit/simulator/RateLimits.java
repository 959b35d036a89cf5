package dev.evalunit.simulator;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The RPM and TPM limits of every model, created on a model's first request. Thread-safe: each
 * model's pair of limits is guarded by its own lock, so models never contend with each other.
 */
final class RateLimits {

    /** One dimension's state for the {@code x-ratelimit-*} headers. */
    record Dimension(long limit, long remaining, long resetNanos) {
    }

    /**
     * The outcome of one admission.
     *
     * @param rejectedType {@code null} when admitted, else {@code requests} or {@code tokens}
     * @param tooLarge     whether the request alone exceeds the per-minute token limit
     * @param waitNanos    when rejected for lack of capacity, how long until there is enough
     * @param used         when rejected, the per-minute amount in use on the rejecting dimension
     * @param requested    when rejected, what the request asked of the rejecting dimension
     * @param requests     the request dimension after the decision, or {@code null} when unlimited
     * @param tokens       the token dimension after the decision, or {@code null} when unlimited
     */
    record Admission(String rejectedType, boolean tooLarge, long waitNanos, long limit, long used, long requested,
                     Dimension requests, Dimension tokens) {
        boolean admitted() {
            return rejectedType == null;
        }
    }

    private final long requestsPerMinute;
    private final long tokensPerMinute;
    private final Duration burst;
    private final ConcurrentHashMap<String, Model> models = new ConcurrentHashMap<>();

    RateLimits(SimulatorOptions options) {
        this.requestsPerMinute = options.requestsPerMinute();
        this.tokensPerMinute = options.tokensPerMinute();
        this.burst = options.burst();
    }

    boolean limited() {
        return requestsPerMinute > 0 || tokensPerMinute > 0;
    }

    /** Charges one request and {@code tokens} to the model's buckets, or charges nothing and says why not. */
    Admission admit(String model, long tokens, long nowNanos) {
        Model buckets = models.computeIfAbsent(model, m -> new Model(nowNanos));
        synchronized (buckets) {
            return buckets.admit(tokens, nowNanos);
        }
    }

    /** Returns {@code tokens} to the model's token bucket once {@code dueNanos} has come. */
    void refundAt(String model, long dueNanos, long tokens) {
        Model buckets = models.get(model);
        if (buckets == null || buckets.tokens == null || tokens <= 0) {
            return;
        }
        synchronized (buckets) {
            buckets.tokens.refundAt(dueNanos, tokens);
        }
    }

    private final class Model {
        final PerMinuteLimit requests;
        final PerMinuteLimit tokens;

        Model(long nowNanos) {
            requests = requestsPerMinute > 0 ? new PerMinuteLimit(requestsPerMinute, burst, nowNanos) : null;
            tokens = tokensPerMinute > 0 ? new PerMinuteLimit(tokensPerMinute, burst, nowNanos) : null;
        }

        Admission admit(long cost, long nowNanos) {
            if (requests != null) {
                requests.advance(nowNanos);
            }
            if (tokens != null) {
                tokens.advance(nowNanos);
            }
            if (requests != null) {
                long wait = requests.waitNanos(1);
                if (wait > 0) {
                    return rejected("requests", false, wait, requests, 1);
                }
            }
            if (tokens != null) {
                if (cost > tokens.limit()) {
                    return rejected("tokens", true, 0, tokens, cost);
                }
                long wait = tokens.waitNanos(cost);
                if (wait > 0) {
                    return rejected("tokens", false, wait, tokens, cost);
                }
            }
            if (requests != null) {
                requests.take(1);
            }
            if (tokens != null) {
                tokens.take(cost);
            }
            return new Admission(null, false, 0, 0, 0, 0, dimension(requests), dimension(tokens));
        }

        private Admission rejected(String type, boolean tooLarge, long wait, PerMinuteLimit bucket, long requested) {
            long used = bucket.limit() - bucket.remainingPerMinute();
            return new Admission(type, tooLarge, wait, bucket.limit(), used, requested,
                    dimension(requests), dimension(tokens));
        }

        private Dimension dimension(PerMinuteLimit bucket) {
            return bucket == null ? null : new Dimension(bucket.limit(), bucket.remainingPerMinute(), bucket.resetNanos());
        }
    }
}
