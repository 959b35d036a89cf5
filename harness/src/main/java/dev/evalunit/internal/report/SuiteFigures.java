package dev.evalunit.internal.report;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A suite's score table: its figures per temperature, lowest temperature first; when the run compares models, per
 * model (in the order the rows come, the run's) and temperature. Immutable.
 *
 * @param suite        the suite's name
 * @param temperatures one row per temperature (and model), sorted
 */
record SuiteFigures(String suite, List<TemperatureFigures> temperatures) {

    public SuiteFigures {
        Objects.requireNonNull(suite, "suite");
        List<String> models = temperatures.stream().map(TemperatureFigures::model).distinct().toList();
        temperatures = temperatures.stream().sorted(Comparator.<TemperatureFigures>comparingInt(f -> models.indexOf(
                f.model())).thenComparingDouble(TemperatureFigures::temperature)).toList();
    }

    /** The row of temperature {@code t} (of the first model, when the run compares several), if the suite ran at it. */
    public Optional<TemperatureFigures> at(double t) {
        return temperatures.stream().filter(f -> Double.compare(f.temperature(), t) == 0
                || f.temperature() == t).findFirst();
    }

    /** The pass rate at temperature {@code t}; empty when it ran no judged invocation there. */
    public OptionalDouble passRate(double t) {
        return at(t).map(TemperatureFigures::passRate).orElse(OptionalDouble.empty());
    }

    public long invocations() {
        return temperatures.stream().mapToLong(TemperatureFigures::invocations).sum();
    }

    public long errors() {
        return temperatures.stream().mapToLong(TemperatureFigures::errors).sum();
    }

    public long tokens() {
        return temperatures.stream().mapToLong(TemperatureFigures::tokens).sum();
    }

    public double costUsd() {
        return temperatures.stream().mapToDouble(TemperatureFigures::costUsd).sum();
    }

    /** errors / (passed + failed + errors) over every temperature; 0 when no request ended. */
    public double errorRate() {
        long ended = ended();
        return ended == 0 ? 0 : (double) errors() / ended;
    }

    /** Invocations that passed, failed or erred: what the error rate is a share of (aborted and skipped ones are not). */
    public long ended() {
        return temperatures.stream().mapToLong(f -> f.passed() + f.failed() + f.errors()).sum();
    }
}
