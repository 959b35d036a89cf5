package dev.evalunit.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Finds keys that are probably misspelt known keys. Unknown keys that resemble nothing are left
 * alone: later features and other tools add keys of their own.
 */
final class Typos {

    private Typos() {
    }

    /** Warnings for the keys and environment variable names set in {@code layers}. */
    static List<String> warnings(List<Layer> layers) {
        List<String> warnings = new ArrayList<>();
        List<String> envNames = ConfigKeys.all().stream().map(ConfigKeys.Key::envName).toList();
        for (Layer layer : layers) {
            if (layer.kind() == Layer.Kind.DEFAULT) {
                continue;
            }
            for (String key : layer.byKey().keySet().stream().sorted().toList()) {
                warningForKey(key).ifPresent(w -> warnings.add(w + " (from " + layer.origin(key) + ")"));
            }
            for (String name : layer.byEnvName().keySet().stream().sorted().toList()) {
                if (ConfigKeys.keyForEnvName(name).isEmpty()) {
                    closest(name, envNames).ifPresent(c -> warnings.add(
                            "unknown setting " + name + " is ignored; did you mean " + c + "? (from "
                                    + layer.origin(name) + ")"));
                }
            }
        }
        return List.copyOf(warnings);
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
                    String why = warningForKey(key).map(w -> w.replace(" is ignored", ""))
                            .orElse("unknown setting " + key + " (the README's Configuration table lists them)");
                    unknown.add(new Unknown(key, layer.byKey().get(key), layer.origin(key), why));
                }
            }
            for (String name : layer.byEnvName().keySet().stream().sorted().toList()) {
                if (ConfigKeys.keyForEnvName(name).isEmpty()) {
                    closest(name, envNames).ifPresent(c -> unknown.add(new Unknown(name, layer.byEnvName().get(name),
                            layer.origin(name), "unknown setting " + name + "; did you mean " + c + "?")));
                }
            }
        }
        return List.copyOf(unknown);
    }

    /** A setting no run reads: its key or variable name, value, origin, and what is wrong with it. */
    record Unknown(String key, String value, String origin, String why) {
    }

    static Optional<String> warningForKey(String key) {
        if (ConfigKeys.isKnown(key)) {
            return Optional.empty();
        }
        for (String prefix : List.of(ConfigKeys.MODELS_PREFIX, ConfigKeys.PRICES_PREFIX)) {
            if (key.startsWith(prefix)) {
                List<String> settings = prefix.equals(ConfigKeys.MODELS_PREFIX)
                        ? ConfigKeys.MODEL_SETTINGS : ConfigKeys.PRICE_SETTINGS;
                String model = ConfigKeys.modelOf(key, prefix).orElse("");
                return Optional.of("unknown setting " + key + " is ignored; " + prefix + "<model>. takes "
                        + String.join(", ", settings)
                        + ConfigKeys.perModelSetting(key, prefix).flatMap(s -> closest(s, settings))
                                .map(s -> "; did you mean " + prefix + model + "." + s + "?").orElse(""));
            }
        }
        return closest(key, ConfigKeys.names()).map(c -> "unknown setting " + key + " is ignored; did you mean " + c + "?");
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

    /** Optimal string alignment distance: Levenshtein plus swapped neighbours, the commonest typo. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
