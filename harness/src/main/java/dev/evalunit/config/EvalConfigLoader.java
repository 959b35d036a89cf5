package dev.evalunit.config;

import static dev.evalunit.config.ConfigKeys.*;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Builds an {@link EvalConfig} from {@link ConfigValues}, checking every value against what is
 * allowed. The wording of each "allowed" text is what users read, so it lives here in one place.
 */
final class EvalConfigLoader {

    private static final String DURATION_EXAMPLES = "such as 500ms, 30s, 6m0s, 1h or PT30S";

    private EvalConfigLoader() {
    }

    static EvalConfig load(ConfigValues v) {
        OpenAIConfig openai = new OpenAIConfig(
                v.getOptional(OPENAI_API_KEY, "an API key without spaces", EvalConfigLoader::noSpaces).orElse(null),
                required(v, OPENAI_BASE_URL, "an http or https URL such as https://api.openai.com/v1",
                        s -> OpenAIConfig.normalize(new URI(s))),
                v.get(OPENAI_ORGANIZATION).orElse(null),
                v.get(OPENAI_PROJECT).orElse(null),
                duration(v, OPENAI_CONNECT_TIMEOUT, false),
                duration(v, OPENAI_REQUEST_TIMEOUT, false));

        String model = required(v, MODEL, "a model name without spaces, such as gpt-4o-mini", EvalConfigLoader::noSpaces);
        Optional<String> fallback = v.getOptional(FALLBACK_MODEL,
                "a model name without spaces other than " + MODEL + " (" + model + ")",
                s -> {
                    if (noSpaces(s).equals(model)) {
                        throw new IllegalArgumentException();
                    }
                    return s;
                });

        ModelList.read(v); // read again by EvalConfig.models(); a mistake fails here, before anything runs

        RateLimitConfig rateLimit = new RateLimitConfig(
                optionalLong(v, RATE_LIMIT_RPM),
                optionalLong(v, RATE_LIMIT_TPM),
                v.isSet(RATE_LIMIT_MAX_CONCURRENCY)
                        ? (int) whole(v, RATE_LIMIT_MAX_CONCURRENCY, 1, RateLimitConfig.MAX_CONCURRENCY_LIMIT)
                        : RateLimitConfig.SAFETY_CAP,
                required(v, RATE_LIMIT_ADAPTIVE, "true or false", ConfigValues::parseBoolean),
                !v.isSet(RATE_LIMIT_MAX_CONCURRENCY));

        Duration baseDelay = duration(v, RETRY_BASE_DELAY, true);
        Duration maxDelay = required(v, RETRY_MAX_DELAY,
                "a duration >= " + RETRY_BASE_DELAY + " (" + Durations.format(baseDelay) + ") " + DURATION_EXAMPLES,
                s -> atLeast(Durations.parse(s), baseDelay));
        RetryConfig retry = new RetryConfig(
                (int) whole(v, RETRY_MAX_ATTEMPTS, 1, RetryConfig.MAX_ATTEMPTS_LIMIT),
                baseDelay, maxDelay,
                required(v, RETRY_JITTER, "a number from 0 to 1", s -> within(ConfigValues.parseDouble(s), 0, 1)),
                duration(v, RETRY_MAX_RETRY_AFTER, false),
                (int) whole(v, RETRY_TIMEOUT_RESENDS, 0, RetryConfig.MAX_ATTEMPTS_LIMIT));

        CircuitBreakerConfig circuitBreaker = new CircuitBreakerConfig(
                (int) whole(v, CIRCUIT_BREAKER_FAILURE_THRESHOLD, 1, Integer.MAX_VALUE),
                duration(v, CIRCUIT_BREAKER_OPEN_DELAY, false),
                duration(v, CIRCUIT_BREAKER_OUTAGE_BUDGET, true));

        BatchConfig batch = new BatchConfig(
                required(v, BATCH_MODE, "one of realtime, batch, auto", BatchMode::parse),
                (int) whole(v, BATCH_THRESHOLD, 1, Integer.MAX_VALUE),
                duration(v, BATCH_POLL_INTERVAL, false),
                required(v, BATCH_WAIT, "true or false", ConfigValues::parseBoolean),
                duration(v, BATCH_DEADLINE, false),
                required(v, BATCH_CANCEL_AT_DEADLINE, "true or false", ConfigValues::parseBoolean),
                (int) whole(v, BATCH_MAX_RETRIES, 0, BatchConfig.MAX_RETRIES_LIMIT),
                required(v, BATCH_CANCEL_ON_INTERRUPT, "true or false", ConfigValues::parseBoolean));

        OptionalDouble budget = v.getOptional(BUDGET_USD, "an amount of US dollars > 0, such as 25 or 2.50",
                        s -> positive(ConfigValues.parseDouble(s)))
                .map(OptionalDouble::of).orElse(OptionalDouble.empty());

        return new EvalConfig(openai, model, fallback, rateLimit, modelOverrides(v), retry, circuitBreaker, batch,
                prices(v), budget, v);
    }

    /** {@code evalunit.models.<model>.rpm|tpm|max-concurrency}, from property-style sources. */
    private static Map<String, ModelOverride> modelOverrides(ConfigValues v) {
        Map<String, ModelOverride> overrides = new HashMap<>();
        for (String model : modelsUnder(v, MODELS_PREFIX, ConfigKeys.MODEL_SETTINGS)) {
            String prefix = MODELS_PREFIX + model + ".";
            OptionalInt concurrency = v.getOptional(prefix + "max-concurrency",
                            wholeText(1, RateLimitConfig.MAX_CONCURRENCY_LIMIT),
                            s -> (int) inRange(ConfigValues.parseLong(s), 1, RateLimitConfig.MAX_CONCURRENCY_LIMIT))
                    .map(OptionalInt::of).orElse(OptionalInt.empty());
            overrides.put(model, new ModelOverride(model, optionalLong(v, prefix + "rpm"),
                    optionalLong(v, prefix + "tpm"), concurrency));
        }
        return overrides;
    }

    /**
     * The default table with {@code evalunit.prices.<model>.*} applied. A model the table prices (exactly
     * or by prefix) takes only the fields given; a new model needs input and output, and its cached input
     * costs as much as input unless set. Models are applied in name order, so a snapshot such as
     * {@code gpt-4o-mini-2024-07-18} starts from {@code gpt-4o-mini}'s price as configured.
     */
    private static PriceTable prices(ConfigValues v) {
        PriceTable table = PriceTable.defaults();
        for (String model : modelsUnder(v, PRICES_PREFIX, ConfigKeys.PRICE_SETTINGS)) {
            String prefix = PRICES_PREFIX + model + ".";
            Optional<ModelPrice> base = table.forModel(model);
            Optional<Double> input = price(v, prefix + "input");
            Optional<Double> output = price(v, prefix + "output");
            if (base.isEmpty()) {
                for (String setting : new String[] {"input", "output"}) {
                    if (v.get(prefix + setting).isEmpty()) {
                        String present = v.keys().stream().filter(k -> k.startsWith(prefix)).findFirst().orElseThrow();
                        throw new ConfigException(prefix + setting, null, "default",
                                prefix + setting + " must be set because " + model + " has no default price ("
                                        + present + " is set in " + v.origin(present) + ")", null);
                    }
                }
            }
            double in = input.orElseGet(() -> base.orElseThrow().inputPerMillion());
            ModelPrice price = new ModelPrice(in,
                    price(v, prefix + "cached-input").orElseGet(() -> base.map(ModelPrice::cachedInputPerMillion).orElse(in)),
                    output.orElseGet(() -> base.orElseThrow().outputPerMillion()),
                    v.getOptional(prefix + "batch-discount", "a number from 0 to 1",
                                    s -> within(ConfigValues.parseDouble(s), 0, 1))
                            .orElseGet(() -> base.map(ModelPrice::batchDiscount).orElse(0.5)));
            table = table.with(model, price);
        }
        return table;
    }

    /** Models named in keys {@code prefix<model>.<setting>} with a known setting, from property-style sources. */
    private static SortedSet<String> modelsUnder(ConfigValues v, String prefix, List<String> settings) {
        SortedSet<String> models = new TreeSet<>();
        for (String key : v.keys()) {
            if (ConfigKeys.perModelSetting(key, prefix).filter(settings::contains).isPresent()) {
                models.add(ConfigKeys.modelOf(key, prefix).orElseThrow());
            }
        }
        return models;
    }

    private static Optional<Double> price(ConfigValues v, String key) {
        return v.getOptional(key, "a price in US dollars per million tokens >= 0, such as 0.15",
                s -> within(ConfigValues.parseDouble(s), 0, Double.MAX_VALUE));
    }

    /** A value every registered default provides; missing only if {@link ConfigKeys} lost the default. */
    private static <T> T required(ConfigValues v, String key, String allowed, Parser<T> parser) {
        return v.getOptional(key, allowed, parser.unchecked())
                .orElseThrow(() -> new IllegalStateException(key + " has no default in ConfigKeys"));
    }

    private static long whole(ConfigValues v, String key, long min, long max) {
        return required(v, key, wholeText(min, max), s -> inRange(ConfigValues.parseLong(s), min, max));
    }

    private static OptionalLong optionalLong(ConfigValues v, String key) {
        return v.getOptional(key, wholeText(1, Long.MAX_VALUE), s -> inRange(ConfigValues.parseLong(s), 1, Long.MAX_VALUE))
                .map(OptionalLong::of).orElse(OptionalLong.empty());
    }

    private static Duration duration(ConfigValues v, String key, boolean zeroAllowed) {
        return required(v, key, "a duration " + (zeroAllowed ? ">= 0 " : "> 0 ") + DURATION_EXAMPLES, s -> {
            Duration d = Durations.parse(s);
            if (!zeroAllowed && d.isZero()) {
                throw new IllegalArgumentException();
            }
            return d;
        });
    }

    private static String wholeText(long min, long max) {
        return "a whole number " + Checks.describeRange(min, max);
    }

    private static long inRange(long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException();
        }
        return value;
    }

    private static double within(double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw new IllegalArgumentException();
        }
        return value;
    }

    private static double positive(double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException();
        }
        return value;
    }

    private static Duration atLeast(Duration value, Duration min) {
        if (value.compareTo(min) < 0) {
            throw new IllegalArgumentException();
        }
        return value;
    }

    private static String noSpaces(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (Character.isWhitespace(value.charAt(i))) {
                throw new IllegalArgumentException();
            }
        }
        return value;
    }

    /** A parse step that may throw checked exceptions, such as {@link URI}'s constructor. */
    @FunctionalInterface
    private interface Parser<T> {
        T parse(String value) throws Exception;

        default Function<String, T> unchecked() {
            return s -> {
                try {
                    return parse(s);
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IllegalArgumentException(e);
                }
            };
        }
    }
}
