package dev.evalunit.internal.run;

import dev.evalunit.Completion;
import dev.evalunit.config.ConfigKeys;
import dev.evalunit.internal.checkpoint.Origin;
import dev.evalunit.internal.report.InvocationResult.Outcome;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * What a run's invocations ended as, counted as each ends: per test how many, and how many were aborted and why;
 * those answered by the fallback model; those that failed after retries, by cause; those aborted because their
 * batch is still running. At the end of the run it says what the counts mean: notes for what the summary table
 * does not show, and the problems that keep the run from being a result (nothing ran, every invocation of a test
 * aborted, invocations still waiting for their batch). Thread-safe.
 */
final class InvocationCounts {

    /** Per test ({@code suite · test}), in the order tests first ended. */
    private final Map<String, Ended> byTest = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<String, LongAdder> byFallback = new ConcurrentHashMap<>();
    /** Invocations that failed after retries, by what failed (the failure's first line). */
    private final Map<String, LongAdder> errorsByCause = new ConcurrentHashMap<>();
    /** Invocations aborted because their batch had not finished when the run ended. */
    private final LongAdder waitingForBatches = new LongAdder();

    /**
     * One invocation of {@code test} ended; {@code waitingForBatch} when it was aborted because its batch is
     * still running.
     */
    void counted(String test, Outcome outcome, boolean waitingForBatch, Completion answer, Throwable failure,
                 Supplier<String> example) {
        Ended ended = byTest.computeIfAbsent(test, t -> new Ended());
        ended.invocations.increment();
        if (outcome == Outcome.ABORTED && !waitingForBatch) {
            ended.aborted.increment();
            ended.abortedBecause(failure == null ? "no reason given" : RunProblems.firstLine(failure), example);
        }
        if (outcome == Outcome.ABORTED && waitingForBatch) {
            waitingForBatches.increment();
        }
        if (outcome == Outcome.ERROR && failure != null) {
            errorsByCause.computeIfAbsent(RunProblems.firstLine(failure), c -> new LongAdder()).increment();
        }
        if (answer != null && answer.fromFallback()) {
            byFallback.computeIfAbsent(answer.fallbackModel(), m -> new LongAdder()).increment();
        }
    }

    /** Prints how many invocations each fallback model answered: the summary table does not say. */
    void printFallbacks() {
        byFallback.forEach((model, n) -> System.out.println("evalunit: " + String.format(Locale.ROOT, "%,d", n.sum())
                + " invocations were answered by the fallback model " + model + " (evalunit.fallback-model), not by "
                + "their own; they are stored, reported and replayed as " + model + "'s"));
    }

    /**
     * Adds the problems the counts show to {@code problems}: nothing ran (with the ids {@code evalunit.question}
     * selects that no test has, {@code questionsNotFound}, as the likely reason; otherwise they are only printed),
     * every invocation of a test aborted, invocations still waiting for their batch.
     *
     * @param origin where answers were asked, named when nothing was
     */
    void addProblems(RunProblems problems, Origin origin, List<String> questionsNotFound) {
        List<Map.Entry<String, Ended>> tests;
        synchronized (byTest) {
            tests = List.copyOf(byTest.entrySet());
        }
        long ran = tests.stream().mapToLong(t -> t.getValue().invocations.sum()).sum();
        String notFound = questionsNotFound.isEmpty() ? null : ConfigKeys.QUESTION + " names "
                + (questionsNotFound.size() == 1 ? "a question" : "questions") + " no test has: "
                + String.join("; ", questionsNotFound);
        if (ran == 0 && !problems.any() && notFound != null) {
            problems.add("no benchmark invocation ran", "no benchmark invocation ran: " + notFound);
        } else if (notFound != null) {
            System.out.println("evalunit: " + notFound);
        }
        if (ran == 0 && !problems.any()) {
            problems.add("no benchmark invocation ran", "no benchmark invocation ran: nothing was asked of "
                    + origin + ", so there is no result; check -Dsuite, -Devalunit.question, -Devalunit.category and the tests' output above");
        } else if (ran > 0 && tests.stream().allMatch(t -> t.getValue().allAborted())) {
            problems.add("every invocation was aborted", "every one of the " + ran + " invocations was aborted, so "
                    + "there is no result: " + String.join("; ", tests.stream().map(t -> t.getKey() + ": "
                    + t.getValue().reasons()).toList()));
        } else {
            tests.stream().filter(t -> t.getValue().allAborted()).forEach(t -> problems.add("every invocation of "
                    + t.getKey() + " was aborted", "every one of the " + t.getValue().invocations.sum()
                    + " invocations of " + t.getKey() + " was aborted, so it has no result (the other tests' results "
                    + "are not its): " + t.getValue().reasons()));
        }
        long waiting = waitingForBatches.sum();
        if (waiting > 0) {
            problems.add(String.format(Locale.ROOT, "%,d invocations wait for their batch", waiting), String.format(
                    Locale.ROOT, "%,d invocations have no answer yet: their batch was still running when the run "
                            + "ended (evalunit.batch.wait=false, or its deadline); run the same command again to "
                            + "collect them. Until then this run is not a result", waiting));
        }
    }

    /** Whether invocations were aborted because their batch is still running: no result until they are in. */
    boolean waitingForBatches() {
        return waitingForBatches.sum() > 0;
    }

    /**
     * The invocations that failed after retries and why, the most common cause first, e.g. {@code 180
     * invocations failed after retries: 180 × connection from the Batch API after 6 attempts: ConnectException:
     * Failed to connect to /127.0.0.1:9}; empty when none did.
     */
    String errors() {
        List<Map.Entry<String, Long>> causes = commonestFirst(errorsByCause);
        if (causes.isEmpty()) {
            return "";
        }
        long total = causes.stream().mapToLong(Map.Entry::getValue).sum();
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%,d invocation%s failed after retries: ",
                total, total == 1 ? "" : "s"));
        int shown = Math.min(3, causes.size());
        for (int i = 0; i < shown; i++) {
            out.append(i == 0 ? "" : "; ").append(String.format(Locale.ROOT, "%,d × ", causes.get(i).getValue()))
                    .append(causes.get(i).getKey());
        }
        if (causes.size() > shown) {
            out.append("; ").append(causes.size() - shown).append(" other causes (in the Allure results)");
        }
        return out.toString();
    }

    /** What was counted and how many times, the commonest first, ties in the order of what. */
    private static List<Map.Entry<String, Long>> commonestFirst(Map<String, LongAdder> counted) {
        List<Map.Entry<String, Long>> sorted = new ArrayList<>();
        counted.forEach((what, n) -> sorted.add(Map.entry(what, n.sum())));
        sorted.sort(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        return sorted;
    }

    /** The invocations of one test that ended, and those of them aborted (not waiting for a batch) and why. */
    private static final class Ended {
        final LongAdder invocations = new LongAdder();
        final LongAdder aborted = new LongAdder();
        /** Why invocations were aborted: how many for each reason, and the first one's example. */
        private final Map<String, LongAdder> because = new ConcurrentHashMap<>();
        private final Map<String, String> examples = new ConcurrentHashMap<>();

        void abortedBecause(String reason, Supplier<String> example) {
            because.computeIfAbsent(reason, r -> new LongAdder()).increment();
            examples.computeIfAbsent(reason, r -> example.get());
        }

        /**
         * The commonest reasons, each with its count and one example, e.g. {@code 12 × Assumption failed: the
         * judge's reply has no verdict (e.g. tqa-0003 at T=0.5: answered "..."; judge "Maybe")}.
         */
        String reasons() {
            List<Map.Entry<String, Long>> counted = commonestFirst(because);
            List<String> shown = counted.stream().limit(3).map(e -> String.format(Locale.ROOT, "%,d × %s (e.g. %s)",
                    e.getValue(), e.getKey(), examples.get(e.getKey()))).toList();
            return String.join("; ", shown) + (counted.size() > 3 ? "; " + (counted.size() - 3)
                    + " other reasons (in the run's results.csv)" : "");
        }

        boolean allAborted() {
            long n = invocations.sum();
            return n > 0 && aborted.sum() == n;
        }
    }
}
