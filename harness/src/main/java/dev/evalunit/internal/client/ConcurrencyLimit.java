package dev.evalunit.internal.client;

import com.netflix.concurrency.limits.limit.AIMDLimit;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * How many requests of one model may be in flight at once: 1 until the first response of any kind has come back
 * and the limits are known; then the configured maximum, or with derived concurrency what the rate needs (rate
 * times the observed latency, with headroom); and when adaptive, halved by a 429 and regrown by successes. Not
 * thread-safe: guarded by its throttle's lock.
 *
 * <p>The probe of one request at a time meets a wrong key, an exhausted quota or an unknown model with one
 * request rather than with every request in flight. A 429 lowers the limit once per congestion event: the 429s
 * of requests sent before the last decrease belong to the burst that caused it, so ten 429s of one burst halve
 * it once, as TCP halves its window once per round trip.
 */
final class ConcurrencyLimit {

    /** Where derived concurrency starts, and stays while no rate is known: the old fixed default. */
    static final int DERIVED_START = 10;
    /** Headroom over rate times latency, for latency that varies from one answer to the next. */
    private static final double DERIVED_HEADROOM = 1.25;
    /** Weight of the newest round trip in the latency average. */
    private static final double LATENCY_WEIGHT = 0.1;

    private final ModelThrottle.Settings settings;
    private final TokenBucket requests;
    private final TokenBucket tokens;
    private final AIMDLimit aimd;
    private boolean limitsKnown;
    private boolean probed;
    private long lastDecreaseAt = Long.MIN_VALUE;
    /** Average round trip of answered requests, nanoseconds; 0 before the first. */
    private double latencyNanos;
    /** With derived concurrency, the share of what the rate needs that is used: halved by a 429, regrown by successes. */
    private double derivedShare = 1;
    /** Average tokens reserved per request; 0 before the first. */
    private double tokensPerRequest;

    /** A limit for {@code settings}, deriving what the rate needs from the {@code rates}' buckets. */
    ConcurrencyLimit(ModelThrottle.Settings settings, RateBuckets rates) {
        this.settings = settings;
        this.requests = rates.requests;
        this.tokens = rates.tokens;
        this.limitsKnown = rates.configured();
        this.aimd = AIMDLimit.newBuilder()
                .initialLimit(settings.derived() ? Math.min(DERIVED_START, settings.maxConcurrency())
                        : settings.maxConcurrency())
                .maxLimit(settings.maxConcurrency())
                .minLimit(1)
                .backoffRatio(0.5)
                .timeout(1, TimeUnit.DAYS) // a slow answer is not a congestion signal; only a 429 is
                .build();
    }

    /** The limit now in force. */
    int current() {
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

    /** A request that reserved {@code reservedTokens} was answered after {@code roundTripNanos}. */
    void answered(long reservedTokens, long roundTripNanos) {
        double trip = roundTripNanos;
        latencyNanos = latencyNanos == 0 ? trip : latencyNanos + LATENCY_WEIGHT * (trip - latencyNanos);
        tokensPerRequest = tokensPerRequest == 0 ? reservedTokens
                : tokensPerRequest + LATENCY_WEIGHT * (reservedTokens - tokensPerRequest);
    }

    /** A response brought rate-limit headers: the limits are known. */
    void limitsKnown() {
        limitsKnown = true;
    }

    /** A response of any kind came back: the model is probed. */
    void probed() {
        probed = true;
    }

    /**
     * Adapts to a response from the server to a request sent at {@code sentAt} with {@code inFlightAtSend} in
     * flight: a 429 of a new congestion event lowers the limit, a success raises it.
     */
    void adapt(long sentAt, int inFlightAtSend, boolean rateLimited, long now) {
        if (!settings.adaptive()) {
            return;
        }
        boolean newCongestion = rateLimited && sentAt > lastDecreaseAt;
        if (!rateLimited || newCongestion) {
            aimd.onSample(sentAt, now - sentAt, inFlightAtSend, newCongestion);
        }
        if (newCongestion) {
            lastDecreaseAt = now;
        }
        if (settings.derived() && rateKnown()) {
            int needed = derivedLimit();
            derivedShare = newCongestion ? Math.max(1.0 / needed, derivedShare / 2)
                    : rateLimited ? derivedShare : Math.min(1, derivedShare + 1.0 / needed);
        }
    }

    /** The average round trip of answered requests so far, or {@link Duration#ZERO} before the first. */
    Duration averageLatency() {
        return Duration.ofNanos((long) latencyNanos);
    }
}
