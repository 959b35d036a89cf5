package dev.evalunit.internal.report;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.evalunit.config.ConfigKeys;
import dev.evalunit.config.ConfigValues;
import dev.evalunit.config.EvalConfig;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * Whether a benchmark run passes as a build. A wrong answer is a finding, not a broken build, so the
 * build is judged by explicit thresholds instead: the lowest pass rate a suite may have at any
 * temperature ({@code evalunit.min-pass-rate}) and the highest share of requests that may fail
 * ({@code evalunit.max-error-rate}). Stateless.
 */
@API(status = INTERNAL, since = "0.1")
public final class BuildOutcome {

    /** The file, in {@code evalunit.results.dir}, where a run writes its verdict for {@link BenchmarkVerdict}. */
    public static final String VERDICT_FILE = "verdict.json";

    private BuildOutcome() {
    }

    /**
     * Judges one suite. It fails when its pass rate at some temperature (of some model, when the run compares
     * several) is below {@code minPassRate} (temperatures with no judged answer are not checked) or its error rate over all temperatures is above
     * {@code maxErrorRate}; the reason names every threshold it missed.
     */
    public static Verdict judge(SuiteFigures figures, Thresholds thresholds) {
        Objects.requireNonNull(figures, "figures");
        Objects.requireNonNull(thresholds, "thresholds");
        String suite = figures.suite();
        List<String> missed = new ArrayList<>();
        if (thresholds.minPassRate() > 0) {
            for (TemperatureFigures row : figures.temperatures()) {
                row.passRate().ifPresent(rate -> {
                    if (rate < thresholds.minPassRate()) {
                        missed.add(suite + " pass rate " + Formats.percent(rate) + " at " + row.where()
                                + " is below the suite's threshold "
                                + Formats.percent(thresholds.minPassRate()) + " (" + ConfigKeys.MIN_PASS_RATE + ")");
                    }
                });
            }
        }
        double errorRate = figures.errorRate();
        if (errorRate > thresholds.maxErrorRate()) {
            missed.add(suite + " error rate " + Formats.percent(errorRate) + " is above " + ConfigKeys.MAX_ERROR_RATE
                    + " " + Formats.percent(thresholds.maxErrorRate()) + " (" + Formats.count(figures.errors())
                    + " of " + Formats.count(figures.ended()) + " invocations failed after retries"
                    + (figures.ended() < figures.invocations() ? "; " + Formats.count(figures.invocations()
                    - figures.ended()) + " aborted or skipped are not counted" : "") + ")");
        }
        if (!missed.isEmpty()) {
            return new Verdict(false, String.join("; ", missed));
        }
        String passRate = thresholds.minPassRate() > 0
                ? "pass rate >= " + Formats.percent(thresholds.minPassRate()) + " at every temperature, "
                : "";
        return new Verdict(true, suite + " meets its thresholds: " + passRate + "error rate "
                + Formats.percent(errorRate) + " <= " + Formats.percent(thresholds.maxErrorRate()));
    }

    /** Judges each suite by its own thresholds (a suite missing from {@code thresholds} gets the defaults). */
    public static Verdict judge(Map<String, SuiteFigures> suites, Map<String, Thresholds> thresholds) {
        return judge(suites, thresholds, Thresholds.defaults());
    }

    private static Verdict judge(Map<String, SuiteFigures> suites, Map<String, Thresholds> bySuite,
                                 Thresholds otherwise) {
        List<Verdict> verdicts = suites.values().stream()
                .map(s -> judge(s, bySuite.getOrDefault(s.suite(), otherwise))).toList();
        boolean passed = verdicts.stream().allMatch(Verdict::passed);
        return new Verdict(passed, String.join("\n", verdicts.stream().map(Verdict::reason).toList()));
    }

    /** Judges every suite by the same thresholds: the run passes when each does; one line per suite. */
    public static Verdict judge(Map<String, SuiteFigures> suites, Thresholds thresholds) {
        return judge(suites, Map.<String, Thresholds>of(), thresholds);
    }

    /**
     * The limits a run is judged by. Immutable.
     *
     * @param minPassRate  from 0 to 1, lowest pass rate at any temperature; default 0, which checks nothing
     * @param maxErrorRate from 0 to 1, highest share of requests that may fail after retries; default 0.01
     */
    public record Thresholds(double minPassRate, double maxErrorRate) {

        public Thresholds {
            within("minPassRate", minPassRate);
            within("maxErrorRate", maxErrorRate);
        }

        public static Thresholds defaults() {
            return new Thresholds(0, 0.01);
        }

        /**
         * {@code evalunit.min-pass-rate} and {@code evalunit.max-error-rate}, or their defaults.
         *
         * @throws dev.evalunit.config.ConfigException naming the key when a value is not a number from 0 to 1
         */
        public static Thresholds from(EvalConfig config) {
            ConfigValues v = config.values();
            Thresholds d = defaults();
            return new Thresholds(
                    v.getAs(ConfigKeys.MIN_PASS_RATE, d.minPassRate(), "a number from 0 to 1, such as 0.6",
                            Thresholds::share),
                    v.getAs(ConfigKeys.MAX_ERROR_RATE, d.maxErrorRate(), "a number from 0 to 1, such as 0.01",
                            Thresholds::share));
        }

        private static double share(String text) {
            return within("value", new BigDecimal(text.strip()).doubleValue());
        }

        private static double within(String name, double value) {
            if (!(value >= 0 && value <= 1)) {
                throw new IllegalArgumentException(name + " must be from 0 to 1 but was " + value);
            }
            return value;
        }
    }

    /**
     * The judgement of a suite or a run.
     *
     * @param passed whether every threshold was met
     * @param reason what was missed, e.g. {@code TruthfulQA pass rate 55.1% at T=1.0 is below the suite's
     *               threshold 60.0% (evalunit.min-pass-rate)}, or which thresholds were met
     */
    public record Verdict(boolean passed, String reason) {

        private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
                new com.fasterxml.jackson.databind.ObjectMapper();

        public Verdict {
            Objects.requireNonNull(reason, "reason");
        }

        /** Writes {@code {"passed": ..., "reason": ...}} to {@code file}, creating its directory. */
        public void write(java.nio.file.Path file) {
            try {
                java.nio.file.Files.createDirectories(file.toAbsolutePath().getParent());
                JSON.writeValue(file.toFile(), this);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("cannot write the verdict to " + file, e);
            }
        }

        /** Reads what {@link #write} wrote. */
        public static Verdict read(java.nio.file.Path file) {
            try {
                return JSON.readValue(file.toFile(), Verdict.class);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("cannot read the verdict in " + file, e);
            }
        }
    }
}
