package dev.evalunit.config;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Consumer;
import org.apiguardian.api.API;

/**
 * Everything a run is configured with, read once at start and validated then. Immutable and
 * thread-safe; the {@code with} methods return copies. {@link #toString()} never shows the API key.
 *
 * <p>Sources, strongest first: {@code -Devalunit.*} system properties, environment variables, a
 * {@code .env} file in the working directory, {@code evalunit.properties} in the working directory
 * and then on the class path, defaults. Every key and its default is listed in
 * the README (section Configuration).
 *
 * @param openai         how to reach the API
 * @param defaultModel   the model of requests that name none ({@code evalunit.model}, default gpt-4o-mini)
 * @param fallbackModel  the model tried when the default's circuit is open ({@code evalunit.fallback-model})
 * @param rateLimit      the limits of every model without an override
 * @param modelOverrides per-model limits by exact model name
 * @param retry          retries of retryable failures
 * @param circuitBreaker the breaker kept per model
 * @param batch          Batch API routing
 * @param prices         prices for cost accounting and the budget
 * @param budgetUsd      the most a run may spend, in US dollars; requests beyond it fail
 * @param values         the raw values with their origins, for keys read by other features
 */
@API(status = STABLE, since = "0.1")
public record EvalConfig(OpenAIConfig openai, String defaultModel, Optional<String> fallbackModel,
                         RateLimitConfig rateLimit, Map<String, ModelOverride> modelOverrides,
                         RetryConfig retry, CircuitBreakerConfig circuitBreaker, BatchConfig batch,
                         PriceTable prices, OptionalDouble budgetUsd, ConfigValues values) {

    private static final System.Logger LOG = System.getLogger(EvalConfig.class.getPackageName());

    public EvalConfig {
        Objects.requireNonNull(openai, "openai");
        Objects.requireNonNull(defaultModel, "defaultModel");
        Objects.requireNonNull(fallbackModel, "fallbackModel");
        Objects.requireNonNull(rateLimit, "rateLimit");
        modelOverrides = Map.copyOf(Objects.requireNonNull(modelOverrides, "modelOverrides"));
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(circuitBreaker, "circuitBreaker");
        Objects.requireNonNull(batch, "batch");
        Objects.requireNonNull(prices, "prices");
        Objects.requireNonNull(budgetUsd, "budgetUsd");
        Objects.requireNonNull(values, "values");
        if (defaultModel.isBlank()) {
            throw new IllegalArgumentException("defaultModel must not be blank");
        }
        modelOverrides.forEach((model, override) -> {
            if (!model.equals(override.model())) {
                throw new IllegalArgumentException("modelOverrides maps " + model + " to the override of " + override.model());
            }
        });
        budgetUsd.ifPresent(usd -> {
            if (!(usd > 0) || Double.isInfinite(usd)) {
                throw new IllegalArgumentException("budgetUsd must be > 0 but was " + usd);
            }
        });
    }

    /** Reads this process's sources, validates them and logs warnings about likely typos. */
    public static EvalConfig load() {
        return load(ConfigSources.real());
    }

    /**
     * Reads {@code sources} and validates every value.
     *
     * @throws ConfigException for the first value that is not allowed, naming key, value, origin and what is allowed,
     *                         or for settings no run reads (see {@code evalunit.config.lenient})
     */
    public static EvalConfig load(ConfigSources sources) {
        ConfigValues values = ConfigValues.read(sources);
        values.checkKnown();
        values.warnings().forEach(w -> LOG.log(System.Logger.Level.WARNING, w));
        return EvalConfigLoader.load(values);
    }

    /** Every default and no API key, as if nothing were configured. */
    public static EvalConfig defaults() {
        return EvalConfigLoader.load(ConfigValues.read(ConfigSources.none()));
    }

    /**
     * The model that grades free answers ({@code evalunit.judge.model}, e.g. TruthfulQA generation's
     * truthful/informative verdicts); the answering model, {@link #defaultModel()}, when it is not set.
     */
    public String judgeModel() {
        return values.get(ConfigKeys.JUDGE_MODEL).map(String::strip).filter(m -> !m.isEmpty()).orElse(defaultModel);
    }

    /**
     * The models the run compares ({@code evalunit.models}), in the order given; empty when it names none. With
     * two or more, every dataset test that sends requests asks each of them: its invocations are row x model x
     * temperature x sample, and the analysis compares the models paired by question. They replace the suite's
     * model ({@code @BenchmarkSuite(model)}, else {@link #defaultModel()}) in {@code @Prompt} requests only: a
     * prompt that names its own model keeps it, and follow-ups (a judge) and calls a test body makes keep theirs,
     * so every model is judged by the same judge. One model alone is asked instead of the suite's, as one.
     *
     * @throws ConfigException naming the key, for an empty entry, a name with spaces or a name listed twice
     */
    public java.util.List<String> models() {
        return ModelList.read(values);
    }

    /** The global limits with {@code model}'s override applied; overrides match the exact model name. */
    public RateLimitConfig rateLimitFor(String model) {
        ModelOverride override = modelOverrides.get(model);
        return override == null ? rateLimit : rateLimit.with(override);
    }

    public EvalConfig withOpenAI(OpenAIConfig openai) {
        return with(c -> c.openai = openai);
    }

    public EvalConfig withDefaultModel(String defaultModel) {
        return with(c -> c.defaultModel = defaultModel);
    }

    public EvalConfig withFallbackModel(Optional<String> fallbackModel) {
        return with(c -> c.fallbackModel = fallbackModel);
    }

    public EvalConfig withRateLimit(RateLimitConfig rateLimit) {
        return with(c -> c.rateLimit = rateLimit);
    }

    public EvalConfig withModelOverride(ModelOverride override) {
        return with(c -> {
            c.modelOverrides = new HashMap<>(modelOverrides);
            c.modelOverrides.put(override.model(), override);
        });
    }

    public EvalConfig withRetry(RetryConfig retry) {
        return with(c -> c.retry = retry);
    }

    public EvalConfig withCircuitBreaker(CircuitBreakerConfig circuitBreaker) {
        return with(c -> c.circuitBreaker = circuitBreaker);
    }

    public EvalConfig withBatch(BatchConfig batch) {
        return with(c -> c.batch = batch);
    }

    public EvalConfig withPrices(PriceTable prices) {
        return with(c -> c.prices = prices);
    }

    public EvalConfig withBudgetUsd(OptionalDouble budgetUsd) {
        return with(c -> c.budgetUsd = budgetUsd);
    }

    /** A copy with {@code change} made to its components, validated again by the canonical constructor. */
    private EvalConfig with(Consumer<Copy> change) {
        Copy c = new Copy(this);
        change.accept(c);
        return new EvalConfig(c.openai, c.defaultModel, c.fallbackModel, c.rateLimit, c.modelOverrides, c.retry,
                c.circuitBreaker, c.batch, c.prices, c.budgetUsd, c.values);
    }

    /** The components of a configuration while a {@code with} method changes one. */
    private static final class Copy {
        OpenAIConfig openai;
        String defaultModel;
        Optional<String> fallbackModel;
        RateLimitConfig rateLimit;
        Map<String, ModelOverride> modelOverrides;
        RetryConfig retry;
        CircuitBreakerConfig circuitBreaker;
        BatchConfig batch;
        PriceTable prices;
        OptionalDouble budgetUsd;
        final ConfigValues values;

        Copy(EvalConfig from) {
            openai = from.openai;
            defaultModel = from.defaultModel;
            fallbackModel = from.fallbackModel;
            rateLimit = from.rateLimit;
            modelOverrides = from.modelOverrides;
            retry = from.retry;
            circuitBreaker = from.circuitBreaker;
            batch = from.batch;
            prices = from.prices;
            budgetUsd = from.budgetUsd;
            values = from.values;
        }
    }
}
