package dev.evalunit.internal.client;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.evalunit.config.ConfigKeys;
import dev.evalunit.config.EvalConfig;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apiguardian.api.API;

/**
 * Removes API keys from text before it is logged, stored in an exception, checkpointed or attached
 * to a report: the configured keys wherever they appear, and anything shaped like an OpenAI or Anthropic key
 * ({@code sk-} or {@code sk-ant-} followed by 16 or more key characters). Immutable and thread-safe.
 */
@API(status = INTERNAL, since = "0.1")
public final class Redactor {

    /** What a key is replaced with. */
    public static final String REDACTED = "sk-...(redacted)";

    private static final Pattern KEY_SHAPE = Pattern.compile("sk-[A-Za-z0-9_\\-]{16,}");
    private static final Redactor SHAPES_ONLY = new Redactor(List.of());

    private final List<String> keys;

    private Redactor(List<String> keys) {
        this.keys = keys;
    }

    /** A redactor for the given key (which may be {@code null}). */
    public static Redactor forKey(String key) {
        return forKeys(key);
    }

    /** A redactor for every API key {@code config} holds: OpenAI's and Anthropic's. */
    public static Redactor of(EvalConfig config) {
        return forKeys(config.openai().apiKey(), config.values().get(ConfigKeys.ANTHROPIC_API_KEY).orElse(null));
    }

    /** A redactor for the given keys (any of which may be {@code null}): one per provider. */
    public static Redactor forKeys(String... keys) {
        List<String> set = Arrays.stream(keys).filter(k -> k != null && !k.isBlank()).toList();
        return set.isEmpty() ? SHAPES_ONLY : new Redactor(set);
    }

    /** The text with every key removed; {@code null} stays {@code null}. */
    public String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = text;
        for (String key : keys) {
            if (out.contains(key)) {
                out = out.replace(key, REDACTED);
            }
        }
        if (out.indexOf("sk-") < 0) {
            return out;
        }
        Matcher m = KEY_SHAPE.matcher(out);
        return m.find() ? m.replaceAll(Matcher.quoteReplacement(REDACTED)) : out;
    }
}
