package dev.evalunit.internal.report;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.evalunit.client.ClientMetrics;
import dev.evalunit.internal.compare.ModelOrder;
import dev.evalunit.internal.report.InvocationResult.Outcome;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import org.apiguardian.api.API;

/**
 * The end-of-run score table: per suite and temperature (and model, when the run compares several), invocations,
 * pass rate, agreement across samples, errors, aborted, replayed, tokens and cost. Thread-safe: test threads
 * {@link #add} concurrently.
 *
 * <p>Memory grows with questions, not results: counters per (suite, temperature), and the
 * {@link Analysis}, which keeps per (test, question, temperature) a few counters and the distinct
 * answers of its samples; agreement is computed there. Answers are normalized (trimmed, lower case, runs of whitespace as one
 * space, cut at 200 characters) so that {@code "  b "} and {@code "B"} agree.
 */
@API(status = INTERNAL, since = "0.1")
public final class RunSummary {

    static final int MAX_ANSWER_CHARS = 200;

    private final Map<Cell, Counters> counters = new ConcurrentHashMap<>();
    private final Analysis analysis;
    /** The order rows of several models are shown in: the run's ({@code evalunit.models}). */
    private final Comparator<Cell> order;

    /** The summary of a run that asks one model. */
    public RunSummary() {
        this(List.of());
    }

    /** The summary of a run that compares {@code models} ({@code evalunit.models}), shown in that order. */
    public RunSummary(List<String> models) {
        this.analysis = new Analysis(models);
        this.order = Comparator.comparing(Cell::suite).thenComparing(Cell::model, new ModelOrder(models))
                .thenComparingDouble(Cell::temperature);
    }

    /** Counts one finished invocation. */
    public void add(InvocationResult result) {
        double t = result.temperature() == 0 ? 0.0 : result.temperature(); // -0.0 is 0.0
        counters.computeIfAbsent(new Cell(result.suite(), result.comparedModel(), t), c -> new Counters()).add(result);
        analysis.add(result);
    }

    /** The analysis per test and temperature, fed by the same results. */
    public Analysis analysis() {
        return analysis;
    }

    /** The figures so far, by suite name in alphabetical order. */
    public Map<String, SuiteFigures> figures() {
        Map<Cell, double[]> agreement = analysis.agreementByCell(); // cell -> {sum of shares, questions}
        Map<String, List<TemperatureFigures>> bySuite = new TreeMap<>();
        Map<Cell, Counters> ordered = new TreeMap<>(order);
        ordered.putAll(counters);
        ordered.forEach((cell, c) -> {
            double[] acc = agreement.get(cell);
            OptionalDouble mean = acc == null ? OptionalDouble.empty() : OptionalDouble.of(acc[0] / acc[1]);
            bySuite.computeIfAbsent(cell.suite(), s -> new ArrayList<>())
                    .add(c.figures(cell.temperature(), mean, acc == null ? 0 : (long) acc[1], cell.model()));
        });
        Map<String, SuiteFigures> figures = new TreeMap<>();
        bySuite.forEach((suite, rows) -> figures.put(suite, new SuiteFigures(suite, rows)));
        return figures;
    }

    /**
     * The table of every suite, for the end of a run's log:
     *
     * <pre>
     * TruthfulQA — 2,451 invocations, 0 errors, $0.0412
     *   T     n    pass   agree   errors  aborted  replayed  tokens   cost
     *   0.0   817  61.2%  100.0%  0       0        0         201,314  $0.0137
     *   2,451 requests sent in real time · throughput 85.3/s · p95 231 ms · checkpoints benchmark-state/TruthfulQA
     *   · reports target/allure-results
     * </pre>
     *
     * Throughput and p95 latency are the client's, for the whole run: with several suites they close the
     * table on a line of their own, after each suite's checkpoint directory.
     *
     * @param metrics        the client's figures, or {@code null} to leave out throughput and latency
     * @param checkpointDirs each suite's checkpoint directory; suites not in it show none
     * @param reportsDir     where the reports are written, or {@code null}
     */
    public String render(ClientMetrics.Snapshot metrics, Map<String, Path> checkpointDirs, Path reportsDir) {
        return SummaryTable.render(figures(), metrics, checkpointDirs == null ? Map.of() : checkpointDirs, reportsDir);
    }

    /** Trimmed, lower case, whitespace runs as one space, at most 200 characters. */
    static String normalize(String answer) {
        StringBuilder out = new StringBuilder(Math.min(answer.length(), MAX_ANSWER_CHARS));
        boolean space = false;
        for (int i = 0; i < answer.length() && out.length() < MAX_ANSWER_CHARS; i++) {
            char c = answer.charAt(i);
            if (Character.isWhitespace(c)) {
                space = out.length() > 0;
            } else {
                if (space) {
                    out.append(' ');
                    space = false;
                    if (out.length() == MAX_ANSWER_CHARS) {
                        break;
                    }
                }
                out.append(Character.toLowerCase(c));
            }
        }
        return out.toString();
    }

    /**
     * One row of the table: a suite at a temperature, of a model when the run compares several.
     *
     * @param model the model compared, or {@code null} when the run asks one
     */
    record Cell(String suite, String model, double temperature) {
    }

    /** Counters of one (suite, temperature): lock-free adds. */
    private static final class Counters {
        private final LongAdder[] byOutcome = new LongAdder[Outcome.values().length];
        private final LongAdder replayed = new LongAdder();
        private final LongAdder promptTokens = new LongAdder();
        private final LongAdder completionTokens = new LongAdder();
        private final DoubleAdder costUsd = new DoubleAdder();

        Counters() {
            for (int i = 0; i < byOutcome.length; i++) {
                byOutcome[i] = new LongAdder();
            }
        }

        void add(InvocationResult r) {
            byOutcome[r.status().ordinal()].increment();
            if (r.replayed()) {
                replayed.increment();
            }
            promptTokens.add(r.promptTokens());
            completionTokens.add(r.completionTokens());
            costUsd.add(r.costUsd());
        }

        TemperatureFigures figures(double temperature, OptionalDouble agreement, long sampledGroups, String model) {
            long invocations = 0;
            for (LongAdder a : byOutcome) {
                invocations += a.sum();
            }
            return new TemperatureFigures(temperature, invocations, count(Outcome.PASSED), count(Outcome.FAILED),
                    count(Outcome.ERROR), count(Outcome.ABORTED), count(Outcome.SKIPPED), replayed.sum(),
                    promptTokens.sum(), completionTokens.sum(), costUsd.sum(), agreement, sampledGroups, model);
        }

        private long count(Outcome outcome) {
            return byOutcome[outcome.ordinal()].sum();
        }
    }
}
