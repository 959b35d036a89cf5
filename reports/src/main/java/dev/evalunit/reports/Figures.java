package dev.evalunit.reports;

import dev.evalunit.reports.AnalysisFile.Temperature;
import java.math.BigDecimal;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Numbers as the charts and the summary print them, the same in every locale: {@code 51.6 %},
 * {@code 48.2–55.1 %}, {@code 0.5}. The harness prints its console table the same way, but this module
 * reads only the harness's files, not its classes, so the few lines are repeated here. Stateless.
 */
final class Figures {

    private Figures() {
    }

    /** A share from 0 to 1 as a percentage with one decimal: {@code 0.5164 -> 51.6 %}. */
    static String percent(double share) {
        return String.format(Locale.ROOT, "%.1f %%", share * 100);
    }

    /** An interval of shares: {@code 48.2–55.1 %}. */
    static String interval(AnalysisFile.Interval interval) {
        return String.format(Locale.ROOT, "%.1f–%.1f %%", interval.low() * 100, interval.high() * 100);
    }

    /** A temperature with at least one decimal and no trailing zeros beyond it: 0.0, 0.5, 0.25, 1.0. */
    static String temperature(double t) {
        BigDecimal d = BigDecimal.valueOf(t).stripTrailingZeros();
        return d.scale() < 1 ? d.setScale(1).toPlainString() : d.toPlainString();
    }

    /** The test's temperatures from the lowest up, whatever order the file lists them in. */
    static List<Temperature> byTemperature(AnalysisFile.Test test) {
        return test.temperatures().stream().sorted(Comparator.comparingDouble(Temperature::temperature)).toList();
    }

    /**
     * How a test is named in legends, headings and file names: its method name, or {@code Class.method}
     * when another test of the suite has the same method name.
     */
    static String label(AnalysisFile.Suite suite, AnalysisFile.Test test) {
        long sameShortName = suite.tests().stream().filter(t -> t.shortName().equals(test.shortName())).count();
        return sameShortName > 1 ? test.name() : test.shortName();
    }
}
