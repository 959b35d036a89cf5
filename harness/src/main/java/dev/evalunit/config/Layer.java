package dev.evalunit.config;

import java.util.Map;
import java.util.Optional;

/**
 * One source of values, read once. Property-style entries ({@code evalunit.x.y}) are looked up by
 * key; environment-style entries ({@code EVALUNIT_X_Y}, {@code OPENAI_API_KEY}) by the key's
 * environment names. Blank values are dropped when a layer is built: an empty {@code OPENAI_ORG_ID=}
 * means "not set", as it does for most tools.
 */
record Layer(Kind kind, String location, Map<String, String> byKey, Map<String, String> byEnvName) {

    enum Kind { SYSTEM_PROPERTY, ENVIRONMENT, DOTENV, PROPERTIES, DEFAULT }

    /** A value, the human-readable place it came from, and the kind of layer that set it. */
    record Found(String value, String origin, Kind kind) {
    }

    Layer {
        byKey = Map.copyOf(byKey);
        byEnvName = Map.copyOf(byEnvName);
    }

    Optional<Found> lookup(String key) {
        String value = byKey.get(key);
        if (value != null) {
            return Optional.of(new Found(value, origin(key), kind));
        }
        if (!byEnvName.isEmpty()) {
            for (String envName : ConfigKeys.envNamesFor(key)) {
                value = byEnvName.get(envName);
                if (value != null) {
                    return Optional.of(new Found(value, origin(envName), kind));
                }
            }
        }
        return Optional.empty();
    }

    /** Where a value of this layer came from, given the name it was found under. */
    String origin(String name) {
        return switch (kind) {
            case SYSTEM_PROPERTY -> "system property -D" + name;
            case ENVIRONMENT -> "environment variable " + name;
            case DOTENV -> ".env file " + location;
            case PROPERTIES -> "evalunit.properties (" + location + ")";
            case DEFAULT -> "default";
        };
    }
}
