package dev.evalunit.internal.report;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;

/**
 * A test's {@link dev.evalunit.Metric}s evaluated in one cell of the analysis (a temperature, or a category
 * at it): each metric's value, and why the others have none. Immutable.
 *
 * @param values     each metric that gave a finite number
 * @param notDefined each metric that did not, with why: a metric is never dropped in silence
 */
record MetricValues(Map<String, Double> values, Map<String, String> notDefined) {

    static final MetricValues NONE = new MetricValues(Map.of(), Map.of());

    /**
     * Each metric computed from {@code means} (and {@code accuracy}). One that gives no finite number, or throws
     * (a mean it needs is not there), has no value here and says why.
     */
    static MetricValues of(Map<String, ToDoubleFunction<Map<String, Double>>> metrics, Double accuracy,
                           Map<String, Double> means) {
        if (metrics.isEmpty()) {
            return NONE;
        }
        Map<String, Double> inputs = new HashMap<>(means);
        if (accuracy != null) {
            inputs.put("accuracy", accuracy);
        }
        Map<String, Double> out = new TreeMap<>();
        Map<String, String> notDefined = new TreeMap<>();
        Map<String, Double> view = Collections.unmodifiableMap(inputs);
        metrics.forEach((name, metric) -> {
            try {
                double value = metric.applyAsDouble(view);
                if (Double.isFinite(value)) {
                    out.put(name, value);
                } else {
                    notDefined.put(name, Double.isNaN(value) ? "not a number (NaN: such as 0/0, recall with no "
                            + "positives)" : "infinite (" + value + ": a division by zero)");
                }
            } catch (RuntimeException threw) {
                notDefined.put(name, "threw " + threw.getClass().getSimpleName() + (threw.getMessage() == null ? ""
                        : ": " + threw.getMessage()) + (threw instanceof NullPointerException ? " (a mean it needs, "
                        + "such as a score no invocation recorded here, is not there; the means are "
                        + new TreeSet<>(inputs.keySet()) + ")" : ""));
            }
        });
        return new MetricValues(out, notDefined);
    }
}
