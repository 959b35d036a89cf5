package dev.evalunit.internal.compare;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.evalunit.internal.runs.InvocationRecord;
import dev.evalunit.internal.stats.Holm;
import dev.evalunit.internal.stats.MetricDifference;
import dev.evalunit.internal.stats.PairedComparison;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;
import org.apiguardian.api.API;

/**
 * Paired comparisons of invocations: two runs, or two temperatures or models of one run, over the questions
 * both sides answered. Per suite, test and what the sides share (the temperature, or the model), each
 * measure (accuracy, each score, each {@code @Metric} when given) is compared with
 * {@link PairedComparison} or {@link MetricDifference}, and the p-values of all of them are adjusted together
 * by Holm's method. Questions are the units: a question's samples are averaged and resampled together.
 * Stateless.
 */
@API(status = INTERNAL, since = "0.1")
public final class Comparisons {

    /** What the two sides of a comparison are. */
    public enum By {
        /**
         * Two runs, A and B: every test and temperature of one against the same of the other (and model, for runs
         * that compare several: {@code gpt-4o-mini T=0.5} against the same).
         */
        RUNS,
        /** The temperatures of one run: the lowest (T=0.0) against each other one, per test and model. */
        TEMPERATURE,
        /**
         * The models of one run: every pair of them, the earlier (in the run's order, {@code evalunit.models}, else
         * by name) as A, per test and temperature; with two models, one pair.
         */
        MODEL
    }

    /** Where records come from: a run's {@code invocations.jsonl}, read as often as needed. */
    @FunctionalInterface
    public interface Source {
        void forEach(Consumer<InvocationRecord> each);
    }

    private Comparisons() {
    }

    /**
     * Compares {@code a} and {@code b} (for {@link By#RUNS}), or the sides within {@code a} ({@code b} null).
     *
     * @param labelA   how A is named (a run's id), for {@link By#RUNS}
     * @param metrics  per {@code suite · test}, its {@code @Metric}s, computed from the means of the scores and
     *                 {@code accuracy}; empty when they are not at hand (a comparison of two kept runs)
     */
    public static CompareReport compare(By by, Source a, String labelA, Source b, String labelB,
                                        PairedComparison.Settings settings,
                                        Map<String, Map<String, ToDoubleFunction<Map<String, Double>>>> metrics) {
        return compare(by, a, labelA, b, labelB, settings, metrics, List.of());
    }

    /**
     * As {@link #compare(By, Source, String, Source, String, PairedComparison.Settings, Map)}, the models of a run
     * that compares {@code models} ({@code evalunit.models}) taken in that order: the first named is A of each pair
     * it is in.
     */
    public static CompareReport compare(By by, Source a, String labelA, Source b, String labelB,
                                        PairedComparison.Settings settings,
                                        Map<String, Map<String, ToDoubleFunction<Map<String, Double>>>> metrics,
                                        List<String> models) {
        Map<Cell, Map<String, Map<String, QuestionTally>>> cells = new TreeMap<>();
        Map<Cell, Set<String>> notBinary = new HashMap<>();
        Comparator<String> order = by == By.MODEL ? new ModelOrder(models) : NaturalOrder.INSTANCE;
        a.forEach(r -> add(cells, notBinary, by, r, by == By.RUNS ? labelA : side(by, r), order));
        if (b != null) {
            b.forEach(r -> add(cells, notBinary, by, r, labelB, order));
        }
        List<Comparison> rows = new ArrayList<>();
        cells.forEach((cell, sides) -> {
            for (String[] pair : pairs(by, sides.keySet(), labelA, labelB)) {
                rows.addAll(compare(cell, pair[0], sides.get(pair[0]), pair[1], sides.get(pair[1]),
                        notBinary.getOrDefault(cell, Set.of()), settings,
                        metrics.getOrDefault(cell.suite() + " · " + cell.test(), Map.of())));
            }
        });
        return new CompareReport(by.name().toLowerCase(Locale.ROOT), labelA, labelB, settings, holm(rows));
    }

    /** The cell and side a record belongs to, in its comparison. */
    record Cell(String suite, String test, String where) implements Comparable<Cell> {
        @Override
        public int compareTo(Cell o) {
            int c = suite.compareTo(o.suite);
            c = c != 0 ? c : test.compareTo(o.test);
            return c != 0 ? c : NaturalOrder.INSTANCE.compare(where, o.where);
        }
    }

    static String temperature(double t) {
        return "T=" + (t + 0.0);
    }

    /**
     * The side a record of one run is on: its temperature, or its model (the model compared, in a run that compares
     * several, so an answer the fallback gave counts for the model asked).
     */
    static String side(By by, InvocationRecord r) {
        return by == By.TEMPERATURE ? temperature(r.temperature()) : String.valueOf(r.modelCounted());
    }

    static Cell cell(By by, InvocationRecord r) {
        String where = switch (by) {
            case TEMPERATURE -> String.valueOf(r.modelCounted());
            case MODEL -> temperature(r.temperature());
            case RUNS -> (r.comparedModel() == null ? "" : r.comparedModel() + " ") + temperature(r.temperature());
        };
        return new Cell(r.suite(), r.test(), where);
    }

    private static void add(Map<Cell, Map<String, Map<String, QuestionTally>>> cells, Map<Cell, Set<String>> notBinary,
                            By by, InvocationRecord r, String side, Comparator<String> sides) {
        Cell cell = cell(by, r);
        cells.computeIfAbsent(cell, c -> new TreeMap<>(sides))
                .computeIfAbsent(side, s -> new HashMap<>())
                .computeIfAbsent(r.question(), q -> new QuestionTally()).add(r);
        r.scores().forEach((name, value) -> {
            if (value != null && value != 0.0 && value != 1.0) {
                notBinary.computeIfAbsent(cell, c -> new HashSet<>()).add(name);
            }
        });
    }

    /**
     * The pairs of sides compared in a cell: A and B; the lowest temperature against each other one; every pair of
     * models, the earlier as A.
     */
    private static List<String[]> pairs(By by, Set<String> sides, String labelA, String labelB) {
        List<String[]> pairs = new ArrayList<>();
        if (by == By.RUNS) {
            if (sides.contains(labelA) && sides.contains(labelB)) {
                pairs.add(new String[] {labelA, labelB});
            }
            return pairs;
        }
        List<String> ordered = new ArrayList<>(sides); // T=0.0 first; the run's first model first
        for (int i = 0; i < (by == By.MODEL ? ordered.size() : 1); i++) {
            for (int j = i + 1; j < ordered.size(); j++) {
                pairs.add(new String[] {ordered.get(i), ordered.get(j)});
            }
        }
        return pairs;
    }

    private static List<Comparison> compare(Cell cell, String a, Map<String, QuestionTally> sideA, String b,
                                            Map<String, QuestionTally> sideB, Set<String> notBinary,
                                            PairedComparison.Settings settings,
                                            Map<String, ToDoubleFunction<Map<String, Double>>> metrics) {
        long[] countA = counts(sideA);
        long[] countB = counts(sideB);
        List<String> common = new ArrayList<>();
        sideA.forEach((q, t) -> {
            QuestionTally other = sideB.get(q);
            if (t.judged > 0 && other != null && other.judged > 0) {
                common.add(q);
            }
        });
        common.sort(NaturalOrder.INSTANCE); // the bootstrap draws by position: a fixed order, the same result
        List<Comparison> rows = new ArrayList<>();
        if (common.isEmpty()) {
            return rows;
        }
        Row row = new Row(cell, a, b, countA, countB, settings);
        rows.add(row.proportion("accuracy", common, sideA, sideB, QuestionTally::accuracy, true));
        Set<String> scores = new TreeSet<>();
        common.forEach(q -> {
            scores.addAll(sideA.get(q).scores.keySet());
            scores.addAll(sideB.get(q).scores.keySet());
        });
        for (String score : scores) {
            List<String> recorded = common.stream().filter(q -> !Double.isNaN(sideA.get(q).score(score))
                    && !Double.isNaN(sideB.get(q).score(score))).toList();
            if (recorded.isEmpty()) {
                continue;
            }
            rows.add(notBinary.contains(score) ? row.mean(score, recorded, sideA, sideB)
                    : row.proportion(score, recorded, sideA, sideB, t -> t.score(score), false));
        }
        metrics.forEach((name, metric) -> row.metric(name, metric, scores, common, sideA, sideB).ifPresent(rows::add));
        return rows;
    }

    /** {invocations, without a verdict} of one side of a cell. */
    private static long[] counts(Map<String, QuestionTally> side) {
        long invocations = 0;
        long judged = 0;
        for (QuestionTally t : side.values()) {
            invocations += t.invocations;
            judged += t.judged;
        }
        return new long[] {invocations, invocations - judged};
    }

    private static List<Comparison> holm(List<Comparison> rows) {
        List<Integer> tested = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).pValue() != null) {
                tested.add(i);
            }
        }
        double[] p = new double[tested.size()];
        for (int i = 0; i < p.length; i++) {
            p[i] = rows.get(tested.get(i)).pValue();
        }
        double[] adjusted = Holm.adjust(p);
        List<Comparison> out = new ArrayList<>(rows);
        for (int i = 0; i < adjusted.length; i++) {
            out.set(tested.get(i), rows.get(tested.get(i)).withHolm(adjusted[i]));
        }
        return Collections.unmodifiableList(out);
    }

    /** The rows of one pair of sides in one cell. */
    private record Row(Cell cell, String a, String b, long[] countA, long[] countB, PairedComparison.Settings settings) {

        Comparison proportion(String measure, List<String> questions, Map<String, QuestionTally> sideA,
                              Map<String, QuestionTally> sideB, ToDoubleFunction<QuestionTally> value, boolean flips) {
            double[] shareA = new double[questions.size()];
            double[] shareB = new double[questions.size()];
            List<String> flipped = new ArrayList<>();
            for (int i = 0; i < shareA.length; i++) {
                shareA[i] = value.applyAsDouble(sideA.get(questions.get(i)));
                shareB[i] = value.applyAsDouble(sideB.get(questions.get(i)));
                if (shareA[i] != shareB[i]) {
                    flipped.add(questions.get(i));
                }
            }
            // B first: its difference is B - A, its "first better" count is B's
            PairedComparison c = PairedComparison.of(shareB, shareA, settings);
            return new Comparison(cell.suite(), cell.test(), cell.where(), measure, Comparison.PROPORTION, a, b,
                    c.questions(), c.meanB(), c.meanA(), c.difference(), c.interval(), c.bOnly(), c.aOnly(), c.pValue(),
                    null, c.minimumDetectableDifference(), countA[0], countA[1], countB[0], countB[1],
                    flips ? flipped : null);
        }

        Comparison mean(String measure, List<String> questions, Map<String, QuestionTally> sideA,
                        Map<String, QuestionTally> sideB) {
            double[][] valuesA = new double[questions.size()][1];
            double[][] valuesB = new double[questions.size()][1];
            for (int i = 0; i < questions.size(); i++) {
                valuesA[i][0] = sideA.get(questions.get(i)).score(measure);
                valuesB[i][0] = sideB.get(questions.get(i)).score(measure);
            }
            MetricDifference d = MetricDifference.of(valuesB, valuesA, means -> means[0], settings.resamples(),
                    settings.seed(), 1 - settings.alpha());
            return new Comparison(cell.suite(), cell.test(), cell.where(), measure, "mean", a, b, questions.size(),
                    d.valueB(), d.valueA(), d.difference(), d.interval(), null, null, null, null, null,
                    countA[0], countA[1], countB[0], countB[1], null);
        }

        java.util.Optional<Comparison> metric(String measure, ToDoubleFunction<Map<String, Double>> metric,
                                              Set<String> scores, List<String> common, Map<String, QuestionTally> sideA,
                                              Map<String, QuestionTally> sideB) {
            List<String> names = new ArrayList<>(scores);
            names.add("accuracy");
            List<double[]> rowsA = new ArrayList<>();
            List<double[]> rowsB = new ArrayList<>();
            for (String q : common) {
                double[] va = vector(sideA.get(q), names);
                double[] vb = vector(sideB.get(q), names);
                if (va != null && vb != null) {
                    rowsA.add(va);
                    rowsB.add(vb);
                }
            }
            if (rowsA.isEmpty()) {
                return java.util.Optional.empty();
            }
            ToDoubleFunction<double[]> f = means -> {
                Map<String, Double> byName = new HashMap<>();
                for (int i = 0; i < names.size(); i++) {
                    byName.put(names.get(i), means[i]);
                }
                try {
                    return metric.applyAsDouble(Collections.unmodifiableMap(byName));
                } catch (RuntimeException undefined) {
                    return Double.NaN; // dropped and counted, as a non-finite value
                }
            };
            MetricDifference d;
            try {
                d = MetricDifference.of(rowsB.toArray(double[][]::new), rowsA.toArray(double[][]::new), f,
                        settings.resamples(), settings.seed(), 1 - settings.alpha());
            } catch (IllegalArgumentException undefined) {
                return java.util.Optional.empty(); // not defined on these questions (recall with no positives)
            }
            return java.util.Optional.of(new Comparison(cell.suite(), cell.test(), cell.where(), measure, "metric", a, b,
                    rowsA.size(), d.valueB(), d.valueA(), d.difference(), d.interval(), null, null, null, null, null,
                    countA[0], countA[1], countB[0], countB[1], null));
        }

        private static double[] vector(QuestionTally t, List<String> names) {
            double[] v = new double[names.size()];
            for (int i = 0; i < names.size() - 1; i++) {
                v[i] = t.score(names.get(i));
                if (Double.isNaN(v[i])) {
                    return null;
                }
            }
            v[names.size() - 1] = t.accuracy();
            return v;
        }
    }
}
