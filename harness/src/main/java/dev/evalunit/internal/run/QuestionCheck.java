package dev.evalunit.internal.run;

import dev.evalunit.BenchmarkConfigurationException;
import dev.evalunit.internal.compare.NaturalOrder;
import dev.evalunit.dataset.DatasetsUsed;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * A test's questions, checked once when the run starts it, before anything is sent: its source read once for
 * its ids alone. No rows at all, or two rows with one id (which would be counted as one question, paired with
 * each other, and announced as fewer requests than are sent), fail the test naming the source, the files it
 * read and the rows. Stateless.
 */
final class QuestionCheck {

    /** The most duplicated ids a message lists; all are counted. */
    static final int LISTED = 10;

    private QuestionCheck() {
    }

    /**
     * What the check found.
     *
     * @param rows     the rows the source gave
     * @param selected of the ids {@code evalunit.question} selects, those this test has
     * @param ids      every id of the test, kept only when ids are selected (to name the nearest to one not found)
     */
    record Found(int rows, Set<String> selected, Set<String> ids) {
    }

    /**
     * Reads the ids {@code ids} gives (every row's, in the source's order, before the run's selection).
     *
     * @param test     {@code Suite · Class.method}
     * @param source   the questions' source as the user wrote it, {@code @Questions("claims")}
     * @param selected the ids {@code evalunit.question} selects; empty for all
     * @throws BenchmarkConfigurationException when the source gives no row, or two rows share an id
     */
    static Found check(String test, String source, java.util.function.Supplier<Stream<String>> ids,
                       Set<String> selected) {
        long started = System.nanoTime();
        Stream<String> read = ids.get(); // reads the source now: the files it locates are noted after started
        Map<String, Integer> firstRow = new HashMap<>();
        Map<String, List<Integer>> duplicated = new LinkedHashMap<>();
        Set<String> found = new TreeSet<>();
        Set<String> all = selected.isEmpty() ? Set.of() : new TreeSet<>(NaturalOrder.INSTANCE);
        int[] rows = {0};
        read.forEachOrdered(id -> {
            int row = ++rows[0];
            Integer first = firstRow.putIfAbsent(id, row);
            if (first != null) {
                duplicated.computeIfAbsent(id, d -> new ArrayList<>(List.of(first))).add(row);
            }
            if (!selected.isEmpty()) {
                all.add(id);
                if (selected.contains(id)) {
                    found.add(id);
                }
            }
        });
        if (rows[0] == 0) {
            Map<String, DatasetsUsed.File> files = DatasetsUsed.since(started);
            throw new BenchmarkConfigurationException(source + " of " + test + " returned 0 rows, so the test has no "
                    + "question to ask" + (files.isEmpty() ? "" : "; it read " + String.join(", ", files.entrySet()
                    .stream().map(f -> f.getKey() + " (" + f.getValue().path() + ")").toList()))
                    + ": check that file, or the reader's filter");
        }
        if (!duplicated.isEmpty()) {
            List<String> listed = duplicated.entrySet().stream().limit(LISTED)
                    .map(d -> d.getKey() + " (rows " + join(d.getValue()) + ")").toList();
            throw new BenchmarkConfigurationException(source + " of " + test + " gives " + duplicated.size()
                    + (duplicated.size() == 1 ? " id" : " ids") + " to more than one row: " + String.join(", ", listed)
                    + (duplicated.size() > LISTED ? " and " + (duplicated.size() - LISTED) + " more" : "") + " of its "
                    + rows[0] + " rows (counted from 1 in the order read); a question's id must be its own, since "
                    + "answers, samples and comparisons are keyed by it: make the ids unique in the reader or the data");
        }
        return new Found(rows[0], found, all);
    }

    private static String join(List<Integer> rows) {
        List<String> shown = rows.stream().limit(5).map(String::valueOf).toList();
        return String.join(", ", shown) + (rows.size() > 5 ? ", ..." : "");
    }
}
