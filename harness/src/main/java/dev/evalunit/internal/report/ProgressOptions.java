package dev.evalunit.internal.report;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.evalunit.config.ConfigKeys;
import dev.evalunit.config.ConfigValues;
import dev.evalunit.config.Durations;
import dev.evalunit.config.EvalConfig;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.apiguardian.api.API;

/**
 * How {@link ProgressReporter} shows progress. Immutable; the {@code with} methods return copies.
 *
 * @param mode     {@code evalunit.progress}; default {@link ProgressMode#AUTO}
 * @param interval time between two plain lines, &gt; 0; {@code evalunit.progress.interval}, default 10s
 * @param out      where the bar and the lines go; default {@link System#out}
 * @param nanoTime the clock of plain lines and of the rate behind the ETA, in nanoseconds; default
 *                 {@link System#nanoTime()}. Tests pass a fake one so that lines appear exactly when they
 *                 advance it, and the ETA is exact
 * @param ticker   whether a daemon thread prints plain lines when no invocation finishes for a whole
 *                 interval (long batch waits); default true. Tests turn it off: lines then appear only
 *                 when {@link ProgressReporter#step} finds the interval has passed
 */
@API(status = INTERNAL, since = "0.1")
public record ProgressOptions(ProgressMode mode, Duration interval, PrintStream out, LongSupplier nanoTime,
                              boolean ticker) {

    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);

    public ProgressOptions {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(nanoTime, "nanoTime");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be > 0 but was " + Durations.format(interval));
        }
    }

    /** Auto mode, a line every 10 s, to {@code System.out}, on the system clock, with the ticker. */
    public static ProgressOptions defaults() {
        return new ProgressOptions(ProgressMode.AUTO, DEFAULT_INTERVAL, System.out, System::nanoTime, true);
    }

    /**
     * The defaults with {@code evalunit.progress} and {@code evalunit.progress.interval} applied.
     *
     * @throws dev.evalunit.config.ConfigException naming the key when a value is not allowed
     */
    public static ProgressOptions from(EvalConfig config) {
        ConfigValues v = config.values();
        ProgressMode mode = v.getAs(ConfigKeys.PROGRESS, ProgressMode.AUTO, "one of auto, bar, plain, off",
                ProgressMode::parse);
        Duration interval = v.getAs(ConfigKeys.PROGRESS_INTERVAL, DEFAULT_INTERVAL,
                "a duration > 0 such as 500ms, 30s, 6m0s, 1h or PT30S", ProgressOptions::positive);
        return defaults().withMode(mode).withInterval(interval);
    }

    public ProgressOptions withMode(ProgressMode mode) {
        return new ProgressOptions(mode, interval, out, nanoTime, ticker);
    }

    public ProgressOptions withInterval(Duration interval) {
        return new ProgressOptions(mode, interval, out, nanoTime, ticker);
    }

    public ProgressOptions withOut(PrintStream out) {
        return new ProgressOptions(mode, interval, out, nanoTime, ticker);
    }

    public ProgressOptions withNanoTime(LongSupplier nanoTime) {
        return new ProgressOptions(mode, interval, out, nanoTime, ticker);
    }

    public ProgressOptions withTicker(boolean ticker) {
        return new ProgressOptions(mode, interval, out, nanoTime, ticker);
    }

    private static Duration positive(String text) {
        Duration d = Durations.parse(text);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(text);
        }
        return d;
    }
}
