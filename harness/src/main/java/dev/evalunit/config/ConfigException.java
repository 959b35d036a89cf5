package dev.evalunit.config;

import static org.apiguardian.api.API.Status.STABLE;

import dev.evalunit.EvalunitException;
import org.apiguardian.api.API;

/**
 * A configuration value is missing, malformed or out of range. Thrown once, at start, before any
 * request is sent. The message names the key, the value, where it came from and what is allowed:
 *
 * <pre>
 * evalunit.rate-limit.rpm must be a whole number &gt; 0 but was "-5" (from system property -Devalunit.rate-limit.rpm)
 * </pre>
 *
 * <p>The API key never appears: when the offending key is secret, {@link #value()} and the message
 * say {@code (redacted)}.
 */
@API(status = STABLE, since = "0.1")
public final class ConfigException extends EvalunitException {

    private final String key;
    private final String value;
    private final String origin;

    /**
     * A value that is not allowed.
     *
     * @param key     the {@code evalunit.*} key
     * @param value   the raw value as written; redacted here when the key is secret
     * @param origin  where the value came from, as {@link ConfigValues#origin(String)} says
     * @param allowed what is allowed, completing "KEY must be ...", e.g. {@code "a whole number > 0"}
     */
    public ConfigException(String key, String value, String origin, String allowed) {
        this(key, safeValue(key, value), origin,
                key + " must be " + allowed + " but was \"" + safeValue(key, value) + "\" (from " + origin + ")", null);
    }

    /** A problem that is not one bad value, such as an unreadable file; the message is used as given. */
    ConfigException(String key, String value, String origin, String message, Throwable cause) {
        super(message, cause);
        this.key = key;
        this.value = value;
        this.origin = origin;
    }

    /** The key at fault, e.g. {@code evalunit.rate-limit.rpm}; {@code null} when a whole source is at fault. */
    public String key() {
        return key;
    }

    /** The value as written, or {@code (redacted)} for the API key; {@code null} when there was no value. */
    public String value() {
        return value;
    }

    /** Where the value came from, e.g. {@code environment variable EVALUNIT_RATE_LIMIT_RPM}. */
    public String origin() {
        return origin;
    }

    private static String safeValue(String key, String value) {
        return key != null && ConfigKeys.isSecret(key) && value != null ? Redaction.REDACTED
                : Redaction.credentials(value);
    }
}
