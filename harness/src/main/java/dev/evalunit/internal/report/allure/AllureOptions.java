package dev.evalunit.internal.report.allure;

import dev.evalunit.config.ConfigKeys;
import dev.evalunit.config.ConfigValues;
import dev.evalunit.config.EvalConfig;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Whether and where a run writes Allure results, and how much of each invocation. Immutable.
 *
 * @param enabled    {@code evalunit.allure}; default true
 * @param resultsDir {@code evalunit.allure.results-dir}; default {@code target/allure-results}, relative to
 *                   the working directory (the module's, under Maven)
 * @param full       {@code evalunit.allure.detail=full}: each call's request, answer, usage, retries and batch as
 *                   attachments of their own, the scores as one more, and whole stack traces; by default
 *                   ({@code light}) one attachment per call holds them all, the scores are parameters, and a
 *                   trace stops at the test's own frames
 */
public record AllureOptions(boolean enabled, Path resultsDir, boolean full) {

    public static final Path DEFAULT_RESULTS_DIR = Path.of("target", "allure-results");

    public AllureOptions {
        Objects.requireNonNull(resultsDir, "resultsDir");
    }

    /** The light layout. */
    public AllureOptions(boolean enabled, Path resultsDir) {
        this(enabled, resultsDir, false);
    }

    /**
     * The options of a loaded configuration.
     *
     * @throws dev.evalunit.config.ConfigException naming the key when a value is not allowed
     */
    public static AllureOptions from(EvalConfig config) {
        return from(config.values());
    }

    /** The options from raw values, for code that runs before a run loads (and validates) its configuration. */
    public static AllureOptions from(ConfigValues values) {
        return new AllureOptions(values.getBoolean(ConfigKeys.ALLURE, true),
                values.getAs(ConfigKeys.ALLURE_RESULTS_DIR, DEFAULT_RESULTS_DIR, "a directory path", Path::of),
                values.getAs(ConfigKeys.ALLURE_DETAIL, false, "light or full", text -> switch (
                        text.strip().toLowerCase(java.util.Locale.ROOT)) {
                    case "light" -> false;
                    case "full" -> true;
                    default -> throw new IllegalArgumentException(text);
                }));
    }

    /** Off: nothing is written and nothing cleaned. */
    public static AllureOptions disabled() {
        return new AllureOptions(false, DEFAULT_RESULTS_DIR);
    }
}
