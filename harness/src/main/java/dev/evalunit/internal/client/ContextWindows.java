package dev.evalunit.internal.client;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.evalunit.config.ConfigKeys;
import dev.evalunit.config.ConfigValues;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import org.apiguardian.api.API;

/**
 * How many tokens each model takes in one request, prompt and answer together: a prompt longer than that is
 * refused by the API after it was queued, paid for in time and in rate limit, or (a prompt just under it) costs a
 * hundred times the others. Known models from OpenAI's model pages (2025), each overridable, and models it does
 * not know, with {@code evalunit.models.<model>.context-window}. A dated snapshot is its model's
 * ({@code gpt-4o-mini-2024-07-18} as {@code gpt-4o-mini}): the longest name the model starts with, then
 * {@code -}. Immutable.
 */
@API(status = INTERNAL, since = "0.1")
public final class ContextWindows {

    static final Map<String, Integer> KNOWN = Map.ofEntries(
            Map.entry("gpt-4o-mini", 128_000),
            Map.entry("gpt-4o", 128_000),
            Map.entry("gpt-4.1", 1_047_576),
            Map.entry("gpt-4.1-mini", 1_047_576),
            Map.entry("gpt-4.1-nano", 1_047_576),
            Map.entry("gpt-3.5-turbo", 16_385),
            Map.entry("o1", 200_000),
            Map.entry("o3", 200_000),
            Map.entry("o3-mini", 200_000),
            Map.entry("o4-mini", 200_000),
            Map.entry("gpt-5", 400_000),
            Map.entry("gpt-5-mini", 400_000),
            Map.entry("gpt-5-nano", 400_000),
            Map.entry("anthropic:claude-haiku-4-5", 200_000),
            Map.entry("anthropic:claude-sonnet-4-5", 200_000),
            Map.entry("anthropic:claude-sonnet-4", 200_000),
            Map.entry("anthropic:claude-opus-4-5", 200_000),
            Map.entry("anthropic:claude-opus-4-1", 200_000),
            Map.entry("anthropic:claude-3-5-haiku", 200_000));

    /** The setting's last part: {@code evalunit.models.<model>.context-window}. */
    public static final String SETTING = "context-window";

    private final Map<String, Integer> windows;

    private ContextWindows(Map<String, Integer> windows) {
        this.windows = Map.copyOf(windows);
    }

    /** The known windows, with {@code evalunit.models.<model>.context-window} applied. */
    public static ContextWindows from(ConfigValues values) {
        Map<String, Integer> windows = new TreeMap<>(KNOWN);
        for (String key : values.keys()) {
            String suffix = "." + SETTING;
            if (key.startsWith(ConfigKeys.MODELS_PREFIX) && key.endsWith(suffix)) {
                String model = key.substring(ConfigKeys.MODELS_PREFIX.length(), key.length() - suffix.length());
                windows.put(model, values.getAs(key, 0, "a whole number > 0 (tokens)", ConfigValues::positiveInt));
            }
        }
        return new ContextWindows(windows);
    }

    /** The known windows alone. */
    public static ContextWindows defaults() {
        return new ContextWindows(KNOWN);
    }

    /** {@code model}'s window in tokens, or empty for a model neither known nor configured. */
    public OptionalInt of(String model) {
        Integer exact = windows.get(model);
        if (exact != null) {
            return OptionalInt.of(exact);
        }
        Optional<String> base = windows.keySet().stream().filter(m -> model.startsWith(m + "-"))
                .max((a, b) -> Integer.compare(a.length(), b.length()));
        return base.map(m -> OptionalInt.of(windows.get(m))).orElse(OptionalInt.empty());
    }
}
