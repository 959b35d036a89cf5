package dev.evalunit.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads {@code evalunit.models}, the models a run compares: names separated by commas, each stripped of the
 * whitespace around it, kept in the order given. A name is opaque (one with a provider's prefix, such as
 * {@code anthropic:claude-haiku-4-5}, is the client's to route); only what cannot be meant is refused, with a
 * message naming the key: an empty entry, a name with spaces, a name listed twice. Stateless.
 */
final class ModelList {

    private static final String EXAMPLE = "list model names separated by commas, such as gpt-4o-mini,gpt-4.1-nano";

    private ModelList() {
    }

    /**
     * The models {@code values} lists; empty when {@code evalunit.models} is not set.
     *
     * @throws ConfigException naming the key, its value and where it came from, for an empty entry, a name with
     *                         spaces, or a name listed twice
     */
    static List<String> read(ConfigValues values) {
        Optional<String> raw = values.get(ConfigKeys.MODELS);
        if (raw.isEmpty()) {
            return List.of();
        }
        String text = raw.get();
        String[] entries = text.split(",", -1);
        List<String> models = new ArrayList<>(entries.length);
        for (int i = 0; i < entries.length; i++) {
            String model = entries[i].strip();
            if (model.isEmpty()) {
                throw refused(values, text, "has an empty entry (entry " + (i + 1) + " of " + entries.length + ")");
            }
            if (model.chars().anyMatch(Character::isWhitespace)) {
                throw refused(values, text, "names \"" + model + "\", a model name with spaces");
            }
            if (models.contains(model)) {
                throw refused(values, text, "lists " + model + " twice; each model is compared once");
            }
            models.add(model);
        }
        return List.copyOf(models);
    }

    private static ConfigException refused(ConfigValues values, String text, String why) {
        String origin = values.origin(ConfigKeys.MODELS);
        return new ConfigException(ConfigKeys.MODELS, text, origin, ConfigKeys.MODELS + " " + why + " in \"" + text
                + "\": " + EXAMPLE + " (from " + origin + ")", null);
    }
}
