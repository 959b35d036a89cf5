package dev.evalunit.internal.client;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apiguardian.api.API;

/**
 * Removes API keys from text before it is logged, stored in an exception, checkpointed or attached
 * to a report: the configured key wherever it appears, and anything shaped like an OpenAI key
 * ({@code sk-} followed by 16 or more key characters). Immutable and thread-safe.
 */
@API(status = INTERNAL, since = "0.1")
public final class Redactor {

    /** What a key is replaced with. */
    public static final String REDACTED = "sk-...(redacted)";

    private static final Pattern KEY_SHAPE = Pattern.compile("sk-[A-Za-z0-9_\\-]{16,}");
    private static final Redactor SHAPES_ONLY = new Redactor(null);

    private final String key;

    private Redactor(String key) {
        this.key = key == null || key.isBlank() ? null : key;
    }

    /** A redactor for the given key (which may be {@code null}). */
    public static Redactor forKey(String key) {
        return key == null || key.isBlank() ? SHAPES_ONLY : new Redactor(key);
    }

    /** The text with every key removed; {@code null} stays {@code null}. */
    public String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = key != null && text.contains(key) ? text.replace(key, REDACTED) : text;
        if (out.indexOf("sk-") < 0) {
            return out;
        }
        Matcher m = KEY_SHAPE.matcher(out);
        return m.find() ? m.replaceAll(Matcher.quoteReplacement(REDACTED)) : out;
    }
}
