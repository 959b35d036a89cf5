package dev.evalunit.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.apache.commons.text.similarity.DamerauLevenshteinDistance;

/**
 * Finds keys that are probably misspelt known keys. Unknown keys that resemble nothing are left
 * alone: later features and other tools add keys of their own.
 */
final class Typos {

    private static final DamerauLevenshteinDistance DAMERAU_LEVENSHTEIN = new DamerauLevenshteinDistance();

    private Typos() {
    }

    /**
     * The settings in {@code layers} that no run reads: every {@code evalunit.*} key that is not a known one
     * (a slip of the keyboard, or a setting of another version), and environment variables that are probably
     * misspelt known ones. Each names where it came from and, when one is near, the key meant.
     */
    static List<Unknown> unknown(List<Layer> layers) {
        List<Unknown> unknown = new ArrayList<>();
        List<String> envNames = ConfigKeys.all().stream().map(ConfigKeys.Key::envName).toList();
        for (Layer layer : layers) {
            if (layer.kind() == Layer.Kind.DEFAULT) {
                continue;
            }
            for (String key : layer.byKey().keySet().stream().sorted().toList()) {
                if (key.startsWith("evalunit.") && !ConfigKeys.isKnown(key)) {
                    unknown.add(new Unknown(key, layer.byKey().get(key), layer.origin(key), hint(key)));
                }
            }
            for (String name : layer.byEnvName().keySet().stream().sorted().toList()) {
                if (ConfigKeys.keyForEnvName(name).isEmpty()) {
                    closest(name, envNames).ifPresent(c -> unknown.add(new Unknown(name, layer.byEnvName().get(name),
                            layer.origin(name), "; did you mean " + c + "?")));
                }
            }
        }
        return List.copyOf(unknown);
    }

    /**
     * A setting no run reads.
     *
     * @param key    its key or environment variable name
     * @param value  its value as written
     * @param origin where it came from
     * @param hint   the key it probably means, e.g. {@code "; did you mean evalunit.question?"}, or {@code ""}
     */
    record Unknown(String key, String value, String origin, String hint) {

        /** Whether it resembles a known setting: a slip of the keyboard. */
        boolean typo() {
            return !hint.isEmpty();
        }

        /** What a lenient run warns of. */
        String warning() {
            return "unknown setting " + key + " is ignored" + hint + " (from " + origin + ")";
        }

        /** What a run refuses to start with. */
        String problem() {
            return "unknown setting " + key + (typo() ? hint : " (the README's Configuration table lists them)")
                    + " (from " + origin + ")";
        }
    }

    /** What an unknown {@code key} probably means, as {@code "; did you mean ...?"}; {@code ""} when nothing is near. */
    private static String hint(String key) {
        for (String prefix : List.of(ConfigKeys.MODELS_PREFIX, ConfigKeys.PRICES_PREFIX)) {
            if (key.startsWith(prefix)) {
                List<String> settings = prefix.equals(ConfigKeys.MODELS_PREFIX)
                        ? ConfigKeys.MODEL_SETTINGS : ConfigKeys.PRICE_SETTINGS;
                String model = ConfigKeys.modelOf(key, prefix).orElse("");
                return "; " + prefix + "<model>. takes " + String.join(", ", settings)
                        + ConfigKeys.perModelSetting(key, prefix).flatMap(s -> closest(s, settings))
                                .map(s -> "; did you mean " + prefix + model + "." + s + "?").orElse("");
            }
        }
        return closest(key, ConfigKeys.names()).map(c -> "; did you mean " + c + "?").orElse("");
    }

    /** The candidate nearest to {@code name}, if it is near enough to be a slip of the keyboard. */
    static Optional<String> closest(String name, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int d = distance(name, candidate);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        int tolerance = Math.max(2, name.length() / 6);
        return bestDistance <= tolerance ? Optional.ofNullable(best) : Optional.empty();
    }

    /** Damerau-Levenshtein distance: Levenshtein plus swapped neighbours, the commonest typo. */
    static int distance(String a, String b) {
        return DAMERAU_LEVENSHTEIN.apply(a, b);
    }
}
