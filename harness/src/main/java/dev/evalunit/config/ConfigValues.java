package dev.evalunit.config;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apiguardian.api.API;

/**
 * The raw configuration: every {@code evalunit.*} value as written, with where it came from.
 * Immutable and thread-safe. {@link EvalConfig} is built from it; later features read their own keys
 * here with the typed getters, which fail with a {@link ConfigException} naming the key, the value,
 * its origin and what is allowed.
 *
 * <p>Any key can be read, registered in {@link ConfigKeys} or not: a lookup tries each layer, strongest
 * first, by the key itself ({@code -Devalunit.x.y}, {@code .env}, {@code evalunit.properties}) and by
 * its environment names ({@code EVALUNIT_X_Y} and aliases such as {@code OPENAI_API_KEY}).
 */
@API(status = INTERNAL, since = "0.1")
public final class ConfigValues {

    private static final String NUMBER = "a whole number";
    private static final String DECIMAL = "a number";
    private static final String BOOLEAN = "true or false";
    private static final String DURATION = "a duration such as 500ms, 30s, 6m0s, 1h or PT30S";

    private final List<Layer> layers;
    private final List<String> warnings;

    private final List<Typos.Unknown> unknown;

    private ConfigValues(List<Layer> layers) {
        this.layers = List.copyOf(layers);
        this.unknown = Typos.unknown(this.layers);
        this.warnings = unknown.stream().filter(Typos.Unknown::typo).map(Typos.Unknown::warning).toList();
    }

    /**
     * Fails on a setting no run reads (an unknown {@code evalunit.*} key, a misspelt environment variable),
     * naming each with the key meant, unless {@code evalunit.config.lenient=true}: a misspelt
     * {@code evalunit.question} must not start a full, paid run.
     *
     * @throws ConfigException naming every unknown setting, the first one's key and origin
     */
    void checkKnown() {
        if (unknown.isEmpty() || getBoolean(ConfigKeys.CONFIG_LENIENT, false)) {
            return;
        }
        Typos.Unknown first = unknown.get(0);
        String all = unknown.stream().map(Typos.Unknown::problem).collect(Collectors.joining("; "));
        throw new ConfigException(first.key(), first.value(), first.origin(), all + ". Nothing was sent. Correct it, "
                + "or set " + ConfigKeys.CONFIG_LENIENT + "=true to run with unknown settings ignored", null);
    }

    /** Reads every layer of {@code sources} now; files are not read again. */
    public static ConfigValues read(ConfigSources sources) {
        return new ConfigValues(SourceReader.read(sources));
    }

    /** The value of {@code key} from the strongest layer that sets it, including registered defaults. */
    public Optional<String> get(String key) {
        return find(key).map(Layer.Found::value);
    }

    /**
     * Where the value of {@code key} came from, e.g. {@code system property -Devalunit.rate-limit.rpm},
     * {@code environment variable EVALUNIT_RATE_LIMIT_RPM}, {@code .env file /abs/path/.env},
     * {@code evalunit.properties (file:/abs/path/evalunit.properties)}, or {@code default} when no source
     * sets it.
     */
    public String origin(String key) {
        return find(key).map(Layer.Found::origin).orElse("default");
    }

    /** Whether a source sets {@code key}: a system property, the environment, a file; not its default. */
    public boolean isSet(String key) {
        return find(key).filter(f -> f.kind() != Layer.Kind.DEFAULT).isPresent();
    }

    /**
     * Every key that has a value, sorted: property-style keys of every source, registered keys set
     * through environment variables, and registered defaults.
     */
    public SortedSet<String> keys() {
        SortedSet<String> keys = new TreeSet<>();
        for (Layer layer : layers) {
            keys.addAll(layer.byKey().keySet());
            layer.byEnvName().keySet().forEach(name -> ConfigKeys.keyForEnvName(name).ifPresent(keys::add));
        }
        return keys;
    }

    /**
     * A parser for {@link #getAs}: a whole number of at least 1, e.g. {@code 50}, its digits grouped with
     * {@code _} or not ({@code 128_000}), as every number setting.
     *
     * @throws IllegalArgumentException when {@code text} is not one
     */
    public static int positiveInt(String text) {
        long parsed = parseLong(text.strip());
        int n = (int) parsed;
        if (n != parsed || n < 1) {
            throw new IllegalArgumentException(text);
        }
        return n;
    }

    /** Warnings about keys that look like misspelt known keys; also logged when {@link EvalConfig} loads. */
    public List<String> warnings() {
        return warnings;
    }

    public int getInt(String key, int defaultValue) {
        return getAs(key, defaultValue, NUMBER, v -> Math.toIntExact(parseLong(v)));
    }

    public long getLong(String key, long defaultValue) {
        return getAs(key, defaultValue, NUMBER, ConfigValues::parseLong);
    }

    public double getDouble(String key, double defaultValue) {
        return getAs(key, defaultValue, DECIMAL, ConfigValues::parseDouble);
    }

    /** {@code true} or {@code false} in any case; nothing else ({@code yes}, {@code 1}) is accepted. */
    public boolean getBoolean(String key, boolean defaultValue) {
        return getAs(key, defaultValue, BOOLEAN, ConfigValues::parseBoolean);
    }

    /** A duration as {@link Durations#parse} reads it. */
    public Duration getDuration(String key, Duration defaultValue) {
        return getAs(key, defaultValue, DURATION, Durations::parse);
    }

    /**
     * The value of {@code key} converted by {@code parser}, or {@code defaultValue} when unset. The parser
     * rejects a value by throwing any runtime exception; the caller then gets a {@link ConfigException}
     * saying "KEY must be ALLOWED but was VALUE (from ORIGIN)".
     */
    public <T> T getAs(String key, T defaultValue, String allowed, Function<String, ? extends T> parser) {
        Optional<Layer.Found> found = find(key);
        if (found.isEmpty()) {
            return defaultValue;
        }
        try {
            return parser.apply(found.get().value());
        } catch (RuntimeException e) {
            throw new ConfigException(key, found.get().value(), found.get().origin(), allowed);
        }
    }

    /** Like {@link #getAs} with no default. */
    public <T> Optional<T> getOptional(String key, String allowed, Function<String, ? extends T> parser) {
        return Optional.ofNullable(getAs(key, null, allowed, parser));
    }

    /** Every key set, with its value as it may be shown: secrets and the credentials in addresses redacted. */
    public SortedMap<String, String> redacted() {
        SortedMap<String, String> out = new TreeMap<>();
        for (String key : keys()) {
            out.put(key, shown(key, find(key).orElseThrow().value()));
        }
        return out;
    }

    private static String shown(String key, String value) {
        return ConfigKeys.isSecret(key) ? Redaction.apiKey(value) : Redaction.credentials(value);
    }

    /** Every key with its value and origin, the API key redacted. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("ConfigValues{");
        String separator = "";
        for (String key : keys()) {
            Layer.Found found = find(key).orElseThrow();
            out.append(separator).append(key).append('=').append(shown(key, found.value())).append(" (")
                    .append(found.origin()).append(')');
            separator = ", ";
        }
        return out.append('}').toString();
    }

    private Optional<Layer.Found> find(String key) {
        for (Layer layer : layers) {
            Optional<Layer.Found> found = layer.lookup(key);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    /** Digits with an optional sign; {@code _} may group digits, as in Java literals ({@code 2_000_000}). */
    static long parseLong(String value) {
        return Long.parseLong(value.indexOf('_') >= 0 && !value.startsWith("_") && !value.endsWith("_")
                ? value.replace("_", "") : value);
    }

    /** A plain decimal ({@code 0.25}, {@code 1e-3}); unlike {@link Double#parseDouble} no NaN, Infinity or {@code 1d}. */
    static double parseDouble(String value) {
        return new BigDecimal(value).doubleValue();
    }

    static boolean parseBoolean(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(value);
        };
    }
}
