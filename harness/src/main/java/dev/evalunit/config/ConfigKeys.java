package dev.evalunit.config;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apiguardian.api.API;

/**
 * The registry of every known {@code evalunit.*} key, its default and its environment variable.
 * Immutable and thread-safe. To add a key, add one line to {@link #KEYS} and a row to
 * the README (section Configuration) (a test checks that every key here is documented there).
 *
 * <p>Knowing the keys lets the loader map {@code EVALUNIT_RATE_LIMIT_RPM} back to
 * {@code evalunit.rate-limit.rpm} and warn about likely typos. Keys that are not registered can still
 * be read through {@link ConfigValues#get(String)}; they are only left out of typo detection and
 * {@link ConfigValues#keys()} when set as environment variables.
 */
@API(status = INTERNAL, since = "0.1")
public final class ConfigKeys {

    public static final String OPENAI_API_KEY = "evalunit.openai.api-key";
    public static final String OPENAI_BASE_URL = "evalunit.openai.base-url";
    public static final String OPENAI_ORGANIZATION = "evalunit.openai.organization";
    public static final String OPENAI_PROJECT = "evalunit.openai.project";
    public static final String OPENAI_CONNECT_TIMEOUT = "evalunit.openai.connect-timeout";
    public static final String OPENAI_REQUEST_TIMEOUT = "evalunit.openai.request-timeout";
    public static final String ANTHROPIC_API_KEY = "evalunit.anthropic.api-key";
    public static final String ANTHROPIC_BASE_URL = "evalunit.anthropic.base-url";
    public static final String MODEL = "evalunit.model";
    public static final String FALLBACK_MODEL = "evalunit.fallback-model";
    /**
     * The models a run compares, comma-separated: every dataset test that sends requests asks each of them
     * ({@link EvalConfig#models()}). One key, not a prefix: {@link #MODELS_PREFIX} keys have a {@code .} after
     * {@code models} and name one model's own settings, so the two never meet.
     */
    public static final String MODELS = "evalunit.models";
    public static final String RATE_LIMIT_RPM = "evalunit.rate-limit.rpm";
    public static final String RATE_LIMIT_TPM = "evalunit.rate-limit.tpm";
    public static final String RATE_LIMIT_MAX_CONCURRENCY = "evalunit.rate-limit.max-concurrency";
    public static final String RATE_LIMIT_ADAPTIVE = "evalunit.rate-limit.adaptive";
    public static final String RETRY_MAX_ATTEMPTS = "evalunit.retry.max-attempts";
    public static final String RETRY_BASE_DELAY = "evalunit.retry.base-delay";
    public static final String RETRY_MAX_DELAY = "evalunit.retry.max-delay";
    public static final String RETRY_JITTER = "evalunit.retry.jitter";
    public static final String RETRY_MAX_RETRY_AFTER = "evalunit.retry.max-retry-after";
    public static final String RETRY_TIMEOUT_RESENDS = "evalunit.retry.timeout-resends";
    public static final String CIRCUIT_BREAKER_FAILURE_THRESHOLD = "evalunit.circuit-breaker.failure-threshold";
    public static final String CIRCUIT_BREAKER_OPEN_DELAY = "evalunit.circuit-breaker.open-delay";
    public static final String CIRCUIT_BREAKER_OUTAGE_BUDGET = "evalunit.circuit-breaker.outage-budget";
    public static final String BATCH_MODE = "evalunit.batch.mode";
    public static final String BATCH_THRESHOLD = "evalunit.batch.threshold";
    public static final String BATCH_POLL_INTERVAL = "evalunit.batch.poll-interval";
    public static final String BATCH_WAIT = "evalunit.batch.wait";
    public static final String BATCH_DEADLINE = "evalunit.batch.deadline";
    public static final String BATCH_CANCEL_AT_DEADLINE = "evalunit.batch.cancel-at-deadline";
    public static final String BATCH_MAX_RETRIES = "evalunit.batch.max-retries";
    public static final String BATCH_CANCEL_ON_INTERRUPT = "evalunit.batch.cancel-on-interrupt";
    public static final String BATCH_WEBHOOK_PORT = "evalunit.batch.webhook.port";
    public static final String BATCH_WEBHOOK_BIND = "evalunit.batch.webhook.bind";
    public static final String BATCH_WEBHOOK_SECRET = "evalunit.batch.webhook.secret";
    public static final String BUDGET_USD = "evalunit.budget.usd";
    public static final String PROGRESS = "evalunit.progress";
    public static final String PROGRESS_INTERVAL = "evalunit.progress.interval";
    public static final String MIN_PASS_RATE = "evalunit.min-pass-rate";
    public static final String MAX_ERROR_RATE = "evalunit.max-error-rate";
    public static final String MAX_UNSCORED = "evalunit.threshold.max-unscored";
    public static final String DRY_RUN = "evalunit.dry-run";
    public static final String BASELINE = "evalunit.baseline";
    public static final String BASELINE_ALPHA = "evalunit.baseline.alpha";
    public static final String BASELINE_MARGIN = "evalunit.baseline.margin";
    public static final String COMPARE_RESAMPLES = "evalunit.compare.resamples";
    public static final String COMPARE_SEED = "evalunit.compare.seed";
    public static final String CHECKPOINT_DIR = "evalunit.checkpoint.dir";
    public static final String CHECKPOINT_FLUSH_EVERY = "evalunit.checkpoint.flush-every";
    public static final String CHECKPOINT_FSYNC = "evalunit.checkpoint.fsync";
    public static final String CHECKPOINT_LOCK_WAIT = "evalunit.checkpoint.lock-wait";
    public static final String FRESH = "evalunit.fresh";
    public static final String QUESTION = "evalunit.question";
    /** Keep only the first N rows of dataset-driven tests, or N drawn at random with {@link #LIMIT_SEED}. */
    public static final String LIMIT = "evalunit.limit";
    /** With {@link #LIMIT}: the N rows are drawn at random with this seed (the same seed, the same rows). */
    public static final String LIMIT_SEED = "evalunit.limit.seed";
    /** {@code i/n}: keep the i-th of every n rows of each dataset, so n runs (CI shards) split it. */
    public static final String SHARD = "evalunit.shard";
    /** Keep only rows of these categories (comma-separated, any case). */
    public static final String CATEGORY = "evalunit.category";
    /** {@code record}: a wrong answer is the run's finding, not a failed test; {@code fail}: it fails its test. */
    public static final String WRONG_ANSWERS = "evalunit.wrong-answers";
    public static final String SHUTDOWN_GRACE = "evalunit.shutdown-grace";
    public static final String RESULTS_DIR = "evalunit.results.dir";
    public static final String ALLURE = "evalunit.allure";
    public static final String ALLURE_RESULTS_DIR = "evalunit.allure.results-dir";
    /** {@code light}: one attachment per call; {@code full}: every part of a call an attachment of its own. */
    public static final String ALLURE_DETAIL = "evalunit.allure.detail";
    public static final String JUDGE_MODEL = "evalunit.judge.model";
    public static final String SAMPLES = "evalunit.samples";
    /** {@code choices}: the samples of a row at a temperature share one request of n choices; {@code requests}: one each. */
    public static final String SAMPLES_MODE = "evalunit.samples.mode";
    public static final String URGENT = "evalunit.urgent";
    /** Whether unknown {@code evalunit.*} settings are ignored with a warning instead of failing the run. */
    public static final String CONFIG_LENIENT = "evalunit.config.lenient";
    /** {@code redis://host:port}: the RPM and TPM buckets of every process using it are one shared bucket per model. */
    public static final String SHARED_LIMITS_REDIS = "evalunit.shared-limits.redis";
    /** The prefix of the shared buckets' keys; by default the base URL's host. */
    public static final String SHARED_LIMITS_NAMESPACE = "evalunit.shared-limits.namespace";
    /** PEM certificates a {@code rediss://} Redis's certificate is checked against; by default the JVM's. */
    public static final String SHARED_LIMITS_REDIS_CA = "evalunit.shared-limits.redis-ca";
    public static final String DATASETS_DIR = "evalunit.datasets.dir";
    public static final String DATASETS_CACHE = "evalunit.datasets.cache";
    public static final String DATASETS_DOWNLOAD = "evalunit.datasets.download";
    public static final String DATASETS_BASE_URL = "evalunit.datasets.base-url";
    public static final String DATASETS_VERIFY = "evalunit.datasets.verify";

    /**
     * Per-model limits: {@code evalunit.models.<model>.rpm|tpm|max-concurrency|context-window}; not
     * {@link #MODELS}, the list of models a run compares, which is a key of its own.
     */
    public static final String MODELS_PREFIX = "evalunit.models.";
    /** Per-model prices: {@code evalunit.prices.<model>.input|cached-input|output|batch-discount}. */
    public static final String PRICES_PREFIX = "evalunit.prices.";
    public static final List<String> MODEL_SETTINGS = List.of("rpm", "tpm", "max-concurrency", "context-window");
    public static final List<String> PRICE_SETTINGS = List.of("input", "cached-input", "output", "batch-discount");

    /**
     * One known key.
     *
     * @param name         the property-style name, {@code evalunit.*}
     * @param defaultValue the default as it would be written, or {@code null} when unset by default
     * @param envAlias     a conventional environment variable besides the derived {@code EVALUNIT_*} one, or {@code null}
     */
    public record Key(String name, String defaultValue, String envAlias) {

        /** The derived environment variable, e.g. {@code EVALUNIT_RATE_LIMIT_RPM}. */
        public String envName() {
            return ConfigKeys.envName(name);
        }
    }

    // Add new keys here, with their default as a user would write it.
    private static final List<Key> KEYS = List.of(
            new Key(OPENAI_API_KEY, null, "OPENAI_API_KEY"),
            new Key(OPENAI_BASE_URL, "https://api.openai.com/v1", "OPENAI_BASE_URL"),
            new Key(OPENAI_ORGANIZATION, null, "OPENAI_ORG_ID"),
            new Key(OPENAI_PROJECT, null, "OPENAI_PROJECT_ID"),
            new Key(OPENAI_CONNECT_TIMEOUT, "10s", null),
            new Key(OPENAI_REQUEST_TIMEOUT, "120s", null),
            new Key(ANTHROPIC_API_KEY, null, "ANTHROPIC_API_KEY"),
            new Key(ANTHROPIC_BASE_URL, "https://api.anthropic.com", "ANTHROPIC_BASE_URL"),
            new Key(MODEL, "gpt-4o-mini", null),
            new Key(FALLBACK_MODEL, null, null),
            new Key(MODELS, null, null),
            new Key(RATE_LIMIT_RPM, null, null),
            new Key(RATE_LIMIT_TPM, null, null),
            new Key(RATE_LIMIT_MAX_CONCURRENCY, null, null),
            new Key(RATE_LIMIT_ADAPTIVE, "true", null),
            new Key(RETRY_MAX_ATTEMPTS, "6", null),
            new Key(RETRY_BASE_DELAY, "500ms", null),
            new Key(RETRY_MAX_DELAY, "60s", null),
            new Key(RETRY_JITTER, "0.25", null),
            new Key(RETRY_MAX_RETRY_AFTER, "15m", null),
            new Key(RETRY_TIMEOUT_RESENDS, "2", null),
            new Key(CIRCUIT_BREAKER_FAILURE_THRESHOLD, "5", null),
            new Key(CIRCUIT_BREAKER_OPEN_DELAY, "30s", null),
            new Key(CIRCUIT_BREAKER_OUTAGE_BUDGET, "5m", null),
            new Key(BATCH_MODE, "auto", null),
            new Key(BATCH_THRESHOLD, "100", null),
            new Key(BATCH_POLL_INTERVAL, "30s", null),
            new Key(BATCH_WAIT, "true", null),
            new Key(BATCH_DEADLINE, "24h", null),
            new Key(BATCH_CANCEL_AT_DEADLINE, "true", null),
            new Key(BATCH_MAX_RETRIES, "2", null),
            new Key(BATCH_CANCEL_ON_INTERRUPT, "false", null),
            new Key(BATCH_WEBHOOK_PORT, null, null),
            new Key(BATCH_WEBHOOK_BIND, "127.0.0.1", null),
            new Key(BATCH_WEBHOOK_SECRET, null, "OPENAI_WEBHOOK_SECRET"),
            new Key(BUDGET_USD, null, null),
            new Key(PROGRESS, "auto", null),
            new Key(PROGRESS_INTERVAL, "10s", null),
            new Key(MIN_PASS_RATE, "0", null),
            new Key(MAX_ERROR_RATE, "0.01", null),
            new Key(MAX_UNSCORED, "0.01", null),
            new Key(DRY_RUN, "false", null),
            new Key(BASELINE, null, null),
            new Key(BASELINE_ALPHA, "0.05", null),
            new Key(BASELINE_MARGIN, "0", null),
            new Key(COMPARE_RESAMPLES, "2000", null),
            new Key(COMPARE_SEED, "1", null),
            new Key(CHECKPOINT_DIR, "benchmark-state", null),
            new Key(CHECKPOINT_FLUSH_EVERY, "1", null),
            new Key(CHECKPOINT_FSYNC, "close", null),
            new Key(CHECKPOINT_LOCK_WAIT, "0s", null),
            new Key(FRESH, "false", null),
            new Key(QUESTION, null, null),
            new Key(LIMIT, null, null),
            new Key(LIMIT_SEED, null, null),
            new Key(CATEGORY, null, null),
            new Key(SHARD, null, null),
            new Key(WRONG_ANSWERS, null, null),
            new Key(SHUTDOWN_GRACE, "10s", null),
            new Key(RESULTS_DIR, "target/evalunit", null),
            new Key(ALLURE, "true", null),
            new Key(ALLURE_RESULTS_DIR, null, null),
            new Key(ALLURE_DETAIL, "light", null),
            new Key(JUDGE_MODEL, null, null),
            new Key(SAMPLES, null, null),
            new Key(SAMPLES_MODE, "choices", null),
            new Key(URGENT, "false", null),
            new Key(CONFIG_LENIENT, "false", null),
            new Key(SHARED_LIMITS_REDIS, null, null),
            new Key(SHARED_LIMITS_NAMESPACE, null, null),
            new Key(SHARED_LIMITS_REDIS_CA, null, null),
            new Key(DATASETS_DIR, null, null),
            new Key(DATASETS_CACHE, "~/.cache/evalunit/datasets", null),
            new Key(DATASETS_DOWNLOAD, "true", null),
            new Key(DATASETS_BASE_URL, null, null),
            new Key(DATASETS_VERIFY, "true", null));

    private static final Map<String, Key> BY_NAME = index(KEYS);

    private ConfigKeys() {
    }

    /** Every registered key, in documentation order. */
    public static List<Key> all() {
        return KEYS;
    }

    /** The registered key of this name. */
    public static Optional<Key> find(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    /** Whether {@code name} is registered or is a well-formed per-model or per-price key. */
    public static boolean isKnown(String name) {
        return BY_NAME.containsKey(name)
                || perModelSetting(name, MODELS_PREFIX).filter(MODEL_SETTINGS::contains).isPresent()
                || perModelSetting(name, PRICES_PREFIX).filter(PRICE_SETTINGS::contains).isPresent();
    }

    /** Whether values of this key must never be shown: the API key, and anything named like a secret. */
    public static boolean isSecret(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith("api-key") || n.endsWith("api_key") || n.contains("secret") || n.contains("password");
    }

    /** The derived environment variable of a key: upper case, {@code .} and {@code -} as {@code _}. */
    public static String envName(String key) {
        char[] chars = key.toUpperCase(Locale.ROOT).toCharArray();
        for (int i = 0; i < chars.length; i++) {
            if (chars[i] == '.' || chars[i] == '-') {
                chars[i] = '_';
            }
        }
        return new String(chars);
    }

    /** The environment variables that set {@code key}, strongest first: the derived name, then any alias. */
    static List<String> envNamesFor(String key) {
        Key known = BY_NAME.get(key);
        String derived = envName(key);
        return known == null || known.envAlias() == null ? List.of(derived) : List.of(derived, known.envAlias());
    }

    /** The registered key an environment variable sets, by alias or derived name. */
    static Optional<String> keyForEnvName(String envName) {
        for (Key k : KEYS) {
            if (envName.equals(k.envAlias()) || envName.equals(k.envName())) {
                return Optional.of(k.name());
            }
        }
        return Optional.empty();
    }

    /** Whether an environment variable is one we read: an alias or anything starting {@code EVALUNIT_}. */
    static boolean isOurEnvName(String envName) {
        return envName.startsWith("EVALUNIT_") || keyForEnvName(envName).isPresent();
    }

    /** The model of a per-model key: everything between the prefix and the last {@code .}. */
    static Optional<String> modelOf(String key, String prefix) {
        int last = key.lastIndexOf('.');
        if (!key.startsWith(prefix) || last <= prefix.length()) {
            return Optional.empty();
        }
        return Optional.of(key.substring(prefix.length(), last));
    }

    /** The setting of a per-model key: everything after the last {@code .}. */
    static Optional<String> perModelSetting(String key, String prefix) {
        return modelOf(key, prefix).map(m -> key.substring(key.lastIndexOf('.') + 1));
    }

    private static Map<String, Key> index(List<Key> keys) {
        Map<String, Key> byName = new LinkedHashMap<>();
        List<String> duplicates = new ArrayList<>();
        for (Key k : keys) {
            if (byName.put(k.name(), k) != null) {
                duplicates.add(k.name());
            }
        }
        if (!duplicates.isEmpty()) {
            throw new IllegalStateException("ConfigKeys registers these keys twice: " + duplicates);
        }
        return Map.copyOf(byName);
    }

    static Set<String> names() {
        return BY_NAME.keySet();
    }
}
