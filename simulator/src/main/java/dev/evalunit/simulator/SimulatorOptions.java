package dev.evalunit.simulator;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongSupplier;
import org.apiguardian.api.API;

/**
 * The knobs of an {@link OpenAiSimulator}. Immutable and thread-safe; build one with
 * {@link #builder()}, derive a variant with {@link #toBuilder()}. Every value is checked when the
 * options are built. Unless a parameter names one route, it shapes OpenAI's chat completions and Anthropic's
 * Messages API alike.
 *
 * <p>Anthropic's limits are on by default, where OpenAI's are off: Anthropic's own defaults are part of what a
 * client of it must meet (three limits, one of them on output tokens estimated from {@code max_tokens}), and its
 * headers are sent on every answer. The defaults are the Tier 4 limits Anthropic's rate-limit page gives Claude
 * Sonnet 4.x and Opus 4.x: 4,000 requests, 2,000,000 input tokens and 400,000 output tokens per minute, enforced
 * over {@code burst} as the OpenAI route's are (Claude Haiku 4.5's Tier 4 allows twice the tokens; one set applies
 * to every model here). Set a limit to 0 to lift it.
 *
 * @param latency              how long an answer takes; default {@link Latency#none()}
 * @param requestsPerMinute    the per-model request limit of the OpenAI route, 0 for unlimited; default 0
 * @param tokensPerMinute      the per-model token limit of the OpenAI route (prompt + max completion), 0 for
 *                             unlimited; default 0
 * @param burst                the window over which the per-minute limits are enforced: a bucket holds
 *                             {@code limit * burst / 1 min}, as OpenAI enforces 60,000 RPM as 1,000 per
 *                             second; between 1 ms and 1 min, default 1 s
 * @param insufficientQuota    whether every chat request gets 429 {@code insufficient_quota}, and every Messages
 *                             request Anthropic's 400 "Your credit balance is too low"; default false
 * @param serverErrorShare     share 0..1 of admitted requests that get 500 ({@code server_error}, Anthropic's
 *                             {@code api_error}); default 0
 * @param connectionResetShare share 0..1 whose connection is reset instead of answered; default 0
 * @param malformedBodyShare   share 0..1 answered 200 with a truncated JSON body; default 0
 * @param slowShare            share 0..1 delayed by {@code slowLatency} instead of {@code latency}; default 0
 * @param slowLatency          the delay of a slow response; default 10 s
 * @param faultSeed            seeds the fault draws, so a sequential run sees the same faults; default 0
 * @param answerer             writes the answers; default {@link Answerer#defaults()}
 * @param requestLogCapacity   how many requests the {@link RequestLog} keeps (it counts all); default 10,000
 * @param nanoTime             the clock of the rate-limit buckets and of batches; default {@code System::nanoTime}
 * @param batch                the Batch API's timing, failures and limits; default {@link BatchOptions#defaults()}
 * @param reasoningModels      models that, like OpenAI's reasoning models, accept only the default temperature
 *                             and no logprobs: a request with another temperature gets 400
 *                             {@code unsupported_value} (param {@code temperature}), one asking for logprobs
 *                             400 {@code unsupported_parameter} (param {@code logprobs}); default none
 * @param unknownModels        models that do not exist: every request to one gets 404 {@code model_not_found};
 *                             default none
 * @param usageOmittedShare    share 0..1 of answers sent without {@code usage}, as some OpenAI-compatible servers
 *                             do; they are still counted in {@link RequestLog#billedPromptTokens()}; default 0
 * @param overloadedModels     models every request to which gets 503 ({@code server_error}, "overloaded"), or on
 *                             Anthropic's route 529 {@code overloaded_error}, as when one model's capacity is gone
 *                             while others answer; default none
 * @param retryAfter           whether a {@code rate_limit_exceeded} 429 carries {@code retry-after} and
 *                             {@code retry-after-ms}; without, it says when to try again only in its message
 *                             ("Please try again in 100ms.") and its {@code x-ratelimit-*} headers, as many of
 *                             OpenAI's do; also whether Anthropic's 429 carries {@code retry-after}; default true
 * @param anthropicRequestsPerMinute     the per-model request limit of Anthropic's route, 0 for unlimited; default
 *                                       4,000
 * @param anthropicInputTokensPerMinute  the per-model input-token limit of Anthropic's route (the system prompt and
 *                                       the messages, counted by the simulator), 0 for unlimited; default 2,000,000
 * @param anthropicOutputTokensPerMinute the per-model output-token limit of Anthropic's route, 0 for unlimited;
 *                                       default 400,000. A request is charged its {@code max_tokens} when admitted
 *                                       and given back what its answer did not use when the answer is sent, as
 *                                       Anthropic estimates output tokens
 * @param overloadedShare                share 0..1 of Messages requests answered 529 {@code overloaded_error}
 *                                       before they reach the limits, as when Anthropic's capacity is short;
 *                                       drawn from {@code faultSeed}; default 0
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record SimulatorOptions(
        Latency latency,
        long requestsPerMinute,
        long tokensPerMinute,
        Duration burst,
        boolean insufficientQuota,
        double serverErrorShare,
        double connectionResetShare,
        double malformedBodyShare,
        double slowShare,
        Duration slowLatency,
        long faultSeed,
        Answerer answerer,
        int requestLogCapacity,
        LongSupplier nanoTime,
        BatchOptions batch,
        Set<String> reasoningModels,
        Set<String> unknownModels,
        double usageOmittedShare,
        Set<String> overloadedModels,
        boolean retryAfter,
        long anthropicRequestsPerMinute,
        long anthropicInputTokensPerMinute,
        long anthropicOutputTokensPerMinute,
        double overloadedShare) {

    private static final Duration MAX_BURST = Duration.ofMinutes(1);
    private static final long MAX_LIMIT = 1_000_000_000L;

    public SimulatorOptions {
        Objects.requireNonNull(latency, "latency");
        Objects.requireNonNull(burst, "burst");
        Objects.requireNonNull(slowLatency, "slowLatency");
        Objects.requireNonNull(answerer, "answerer");
        Objects.requireNonNull(nanoTime, "nanoTime");
        Objects.requireNonNull(batch, "batch");
        reasoningModels = Set.copyOf(reasoningModels);
        unknownModels = Set.copyOf(unknownModels);
        overloadedModels = Set.copyOf(overloadedModels);
        requireShare("usageOmittedShare", usageOmittedShare);
        requireShare("overloadedShare", overloadedShare);
        requireNonNegative("requestsPerMinute", requestsPerMinute);
        requireNonNegative("tokensPerMinute", tokensPerMinute);
        if (burst.toMillis() < 1 || burst.compareTo(MAX_BURST) > 0) {
            throw new IllegalArgumentException("burst must be between 1ms and 1m but was " + burst);
        }
        if (slowLatency.isNegative()) {
            throw new IllegalArgumentException("slowLatency must be >= 0 but was " + slowLatency);
        }
        requireShare("serverErrorShare", serverErrorShare);
        requireShare("connectionResetShare", connectionResetShare);
        requireShare("malformedBodyShare", malformedBodyShare);
        requireShare("slowShare", slowShare);
        double failing = serverErrorShare + connectionResetShare + malformedBodyShare;
        if (failing > 1.0 + 1e-9) {
            throw new IllegalArgumentException("serverErrorShare + connectionResetShare + malformedBodyShare must be <= 1 but was "
                    + failing);
        }
        requireNonNegative("requestLogCapacity", requestLogCapacity);
        // The buckets count in units of 1/60e6 token so refills are exact integers; a limit too large
        // for that would overflow, and no real account is anywhere near it.
        if (requestsPerMinute > MAX_LIMIT || tokensPerMinute > MAX_LIMIT) {
            throw new IllegalArgumentException("requestsPerMinute and tokensPerMinute must be <= 1,000,000,000 but were "
                    + requestsPerMinute + " and " + tokensPerMinute);
        }
        requireLimit("anthropicRequestsPerMinute", anthropicRequestsPerMinute);
        requireLimit("anthropicInputTokensPerMinute", anthropicInputTokensPerMinute);
        requireLimit("anthropicOutputTokensPerMinute", anthropicOutputTokensPerMinute);
    }

    /** The defaults: no latency, no limits, no faults. */
    public static SimulatorOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Whether any rate limit of the OpenAI route is configured (Anthropic's route has its own, on by default). */
    public boolean limited() {
        return requestsPerMinute > 0 || tokensPerMinute > 0;
    }

    boolean sameLimits(SimulatorOptions other) {
        return requestsPerMinute == other.requestsPerMinute && tokensPerMinute == other.tokensPerMinute
                && burst.equals(other.burst) && nanoTime == other.nanoTime;
    }

    boolean sameAnthropicLimits(SimulatorOptions other) {
        return anthropicRequestsPerMinute == other.anthropicRequestsPerMinute
                && anthropicInputTokensPerMinute == other.anthropicInputTokensPerMinute
                && anthropicOutputTokensPerMinute == other.anthropicOutputTokensPerMinute
                && burst.equals(other.burst) && nanoTime == other.nanoTime;
    }

    private static void requireLimit(String name, long value) {
        requireNonNegative(name, value);
        if (value > MAX_LIMIT) {
            throw new IllegalArgumentException(name + " must be <= 1,000,000,000 but was " + value);
        }
    }

    private static void requireNonNegative(String name, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must be >= 0 but was " + value);
        }
    }

    private static void requireShare(String name, double share) {
        if (!(share >= 0 && share <= 1)) {
            throw new IllegalArgumentException(name + " must be between 0 and 1 but was " + share);
        }
    }

    /** Collects options; not thread-safe, {@link #build()} validates and copies. */
    public static final class Builder {
        private Latency latency = Latency.none();
        private long requestsPerMinute;
        private long tokensPerMinute;
        private Duration burst = Duration.ofSeconds(1);
        private boolean insufficientQuota;
        private double serverErrorShare;
        private double connectionResetShare;
        private double malformedBodyShare;
        private double slowShare;
        private Duration slowLatency = Duration.ofSeconds(10);
        private long faultSeed;
        private Answerer answerer = Answerer.defaults();
        private int requestLogCapacity = 10_000;
        private LongSupplier nanoTime = System::nanoTime;
        private BatchOptions batch = BatchOptions.defaults();
        private Set<String> reasoningModels = Set.of();
        private Set<String> unknownModels = Set.of();
        private double usageOmittedShare;
        private Set<String> overloadedModels = Set.of();
        private boolean retryAfter = true;
        private long anthropicRequestsPerMinute = 4_000;
        private long anthropicInputTokensPerMinute = 2_000_000;
        private long anthropicOutputTokensPerMinute = 400_000;
        private double overloadedShare;

        private Builder() {
        }

        private Builder(SimulatorOptions o) {
            latency = o.latency;
            requestsPerMinute = o.requestsPerMinute;
            tokensPerMinute = o.tokensPerMinute;
            burst = o.burst;
            insufficientQuota = o.insufficientQuota;
            serverErrorShare = o.serverErrorShare;
            connectionResetShare = o.connectionResetShare;
            malformedBodyShare = o.malformedBodyShare;
            slowShare = o.slowShare;
            slowLatency = o.slowLatency;
            faultSeed = o.faultSeed;
            answerer = o.answerer;
            requestLogCapacity = o.requestLogCapacity;
            nanoTime = o.nanoTime;
            batch = o.batch;
            reasoningModels = o.reasoningModels;
            unknownModels = o.unknownModels;
            usageOmittedShare = o.usageOmittedShare;
            overloadedModels = o.overloadedModels;
            retryAfter = o.retryAfter;
            anthropicRequestsPerMinute = o.anthropicRequestsPerMinute;
            anthropicInputTokensPerMinute = o.anthropicInputTokensPerMinute;
            anthropicOutputTokensPerMinute = o.anthropicOutputTokensPerMinute;
            overloadedShare = o.overloadedShare;
        }

        public Builder latency(Latency latency) { this.latency = latency; return this; }

        public Builder requestsPerMinute(long rpm) { this.requestsPerMinute = rpm; return this; }

        public Builder tokensPerMinute(long tpm) { this.tokensPerMinute = tpm; return this; }

        public Builder burst(Duration burst) { this.burst = burst; return this; }

        public Builder insufficientQuota(boolean on) { this.insufficientQuota = on; return this; }

        public Builder serverErrorShare(double share) { this.serverErrorShare = share; return this; }

        public Builder connectionResetShare(double share) { this.connectionResetShare = share; return this; }

        public Builder malformedBodyShare(double share) { this.malformedBodyShare = share; return this; }

        public Builder slowShare(double share) { this.slowShare = share; return this; }

        public Builder slowLatency(Duration delay) { this.slowLatency = delay; return this; }

        public Builder faultSeed(long seed) { this.faultSeed = seed; return this; }

        public Builder answerer(Answerer answerer) { this.answerer = answerer; return this; }

        public Builder requestLogCapacity(int capacity) { this.requestLogCapacity = capacity; return this; }

        public Builder nanoTime(LongSupplier nanoTime) { this.nanoTime = nanoTime; return this; }

        public Builder batch(BatchOptions batch) { this.batch = batch; return this; }

        public Builder reasoningModels(String... models) { this.reasoningModels = Set.of(models); return this; }

        public Builder unknownModels(String... models) { this.unknownModels = Set.of(models); return this; }

        public Builder usageOmittedShare(double share) { this.usageOmittedShare = share; return this; }

        public Builder overloadedModels(String... models) { this.overloadedModels = Set.of(models); return this; }

        public Builder retryAfter(boolean on) { this.retryAfter = on; return this; }

        public Builder anthropicRequestsPerMinute(long rpm) { this.anthropicRequestsPerMinute = rpm; return this; }

        public Builder anthropicInputTokensPerMinute(long tpm) { this.anthropicInputTokensPerMinute = tpm; return this; }

        public Builder anthropicOutputTokensPerMinute(long tpm) { this.anthropicOutputTokensPerMinute = tpm; return this; }

        public Builder overloadedShare(double share) { this.overloadedShare = share; return this; }

        public SimulatorOptions build() {
            return new SimulatorOptions(latency, requestsPerMinute, tokensPerMinute, burst, insufficientQuota,
                    serverErrorShare, connectionResetShare, malformedBodyShare, slowShare, slowLatency, faultSeed,
                    answerer, requestLogCapacity, nanoTime, batch, reasoningModels, unknownModels, usageOmittedShare,
                    overloadedModels, retryAfter, anthropicRequestsPerMinute, anthropicInputTokensPerMinute,
                    anthropicOutputTokensPerMinute, overloadedShare);
        }
    }
}
