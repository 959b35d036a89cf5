package dev.evalunit.internal.report.allure;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.evalunit.config.ConfigKeys;
import dev.evalunit.config.ConfigValues;
import dev.evalunit.config.EvalConfig;
import java.nio.file.Path;
import org.apiguardian.api.API;

/**
 * Whether and where a run writes Allure results, and how much of each invocation. Immutable.
 *
 * @param enabled    {@code evalunit.allure}; default true
 * @param resultsDir {@code evalunit.allure.results-dir}, relative to the working directory (the module's, under
 *                   Maven): one directory every run writes, whose earlier results a run removes when it starts;
 *                   {@code null} when not set, and then each run writes its own, {@code allure-results/} in its
 *                   run's directory, and removes nothing
 * @param full       {@code evalunit.allure.detail=full}: each call's request, answer, usage, retries and batch as
 *                   attachments of their own, the scores as one more, and whole stack traces; by default
 *                   ({@code light}) one attachment per call holds them all, the scores are parameters, and a
 *                   trace stops at the test's own frames
 */
@API(status = INTERNAL, since = "0.1")
public record AllureOptions(boolean enabled, Path resultsDir, boolean full) {

    /** Whether every run writes one directory, set by {@code evalunit.allure.results-dir}, and cleans it first. */
    public boolean shared() {
        return resultsDir != null;
    }

    /** These options writing to {@code dir} when no shared directory is set: the run's own. */
    public AllureOptions orIn(Path dir) {
        return shared() ? this : new AllureOptions(enabled, dir, full);
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
                values.getAs(ConfigKeys.ALLURE_RESULTS_DIR, null, "a directory path", Path::of),
                values.getAs(ConfigKeys.ALLURE_DETAIL, false, "light or full", text -> switch (
                        text.strip().toLowerCase(java.util.Locale.ROOT)) {
                    case "light" -> false;
                    case "full" -> true;
                    default -> throw new IllegalArgumentException(text);
                }));
    }

    /** Off: nothing is written and nothing cleaned. */
    public static AllureOptions disabled() {
        return new AllureOptions(false, null);
    }
}
