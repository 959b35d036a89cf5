package dev.evalunit.internal.run;

import dev.evalunit.BenchmarkConfigurationException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What kept a run from being a result: a suite that could not load its questions or plan its requests,
 * a state another run holds, a failure that stopped sending, a run in which nothing ran. Any of them fails
 * the build, and each is printed once, in full, at the end of the run; the tests it broke carry one line
 * pointing there. The same problem met by several tests is kept once. Thread-safe.
 */
final class RunProblems {

    /**
     * One problem.
     *
     * @param summary one line, e.g. {@code TruthfulQaMc1Benchmark.picksTheTrueOption could not load its questions}
     * @param detail  the whole story: what happened, where, and what to do
     */
    record Problem(String summary, String detail) {
    }

    private final Map<String, Problem> problems = new LinkedHashMap<>();

    /** Records a problem; one with the same detail as an earlier one is not repeated. */
    synchronized void add(String summary, String detail) {
        problems.putIfAbsent(detail, new Problem(summary, detail));
    }

    synchronized List<Problem> all() {
        return new ArrayList<>(problems.values());
    }

    synchronized boolean any() {
        return !problems.isEmpty();
    }

    /**
     * The message of what went wrong: inside the wrappers that only say where ({@code @Questions("rows") of
     * X failed: ...}), the cause's own, which says what and what to do.
     */
    static String message(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root
                && (root instanceof BenchmarkConfigurationException || root.getMessage() == null)) {
            root = root.getCause();
        }
        return String.valueOf(root.getMessage());
    }

    /** The first line of {@link #message}, without a trailing "Tried:" or colon that announces more lines. */
    static String firstLine(Throwable t) {
        String message = message(t);
        String line = message.lines().findFirst().orElse(message).strip();
        line = line.replaceFirst("\\s*Tried:$", "").replaceFirst(":$", "");
        return line.endsWith(".") ? line.substring(0, line.length() - 1) : line;
    }
}
