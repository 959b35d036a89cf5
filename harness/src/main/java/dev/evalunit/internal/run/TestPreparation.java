package dev.evalunit.internal.run;

import dev.evalunit.config.EvalConfig;
import dev.evalunit.internal.compare.NaturalOrder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.commons.text.similarity.DamerauLevenshteinDistance;

/**
 * Gets the run's tests ready before their invocations run, once per test: its questions checked, what it will ask
 * counted, priced and said, and its batch-eligible invocations routed. A launcher's run does this for every selected
 * test when it starts, so batches run meanwhile and the estimate covers the whole run; a run without one does it as
 * each test starts. A test whose plan failed is left out, its failure kept for its own start to throw. Thread-safe.
 */
final class TestPreparation {

    private final EvalConfig config;
    private final RowSelection rows;
    private final SuiteStates states;
    private final Routes routes;
    /** {@code evalunit.dry-run}: the estimate says that nothing is sent. */
    private final boolean dryRun;
    /** Why each test that could not be planned failed, by the test's id: its start throws it. */
    private final Map<String, RuntimeException> unplanned = new ConcurrentHashMap<>();
    private final Set<String> questionsChecked = ConcurrentHashMap.newKeySet();
    private final Set<String> estimated = ConcurrentHashMap.newKeySet();
    /** Every estimate said, for the verdict of a dry run. */
    private final List<RunEstimate> estimates = new CopyOnWriteArrayList<>();
    /** Of the ids {@code evalunit.question} selects, those a test has; and, when ids are selected, every id there is. */
    private final Set<String> questionIdsFound = ConcurrentHashMap.newKeySet();
    private final Set<String> questionIdsKnown = Collections.synchronizedSortedSet(new TreeSet<>(NaturalOrder.INSTANCE));

    TestPreparation(EvalConfig config, RowSelection rows, SuiteStates states, Routes routes, boolean dryRun) {
        this.config = config;
        this.rows = rows;
        this.states = states;
        this.routes = routes;
        this.dryRun = dryRun;
    }

    /**
     * The run starts: every selected test is prepared now, so batches run meanwhile. A test whose plan fails is
     * left out; its own start reports it.
     */
    void prepareAll(List<SelectedTest> tests) {
        List<SelectedTest> sound = new ArrayList<>();
        for (SelectedTest t : tests) {
            try {
                checkQuestions(t.test(), t.id());
                sound.add(t);
            } catch (RuntimeException broken) {
                unplanned.put(t.id(), broken); // its own start reports it
            }
        }
        estimate(sound);
        unplanned.putAll(routes.route(sound));
    }

    /** A test known by {@code id}, whose declaration could not be read: its start reports it. */
    void unplannable(String id, RuntimeException badDeclaration) {
        unplanned.put(id, badDeclaration);
    }

    /**
     * A test starts: unless the run's start prepared it, it is prepared now, its suite's state locked first.
     *
     * @throws RuntimeException why its plan failed, here or when the run started
     */
    void prepare(SelectedTest test) {
        RuntimeException failed = unplanned.get(test.id());
        if (failed == null) {
            checkQuestions(test.test(), test.id());
            states.checkpoint(test.test().suite());
            estimate(List.of(test));
            failed = routes.route(List.of(test)).get(test.id());
        }
        if (failed != null) {
            throw failed;
        }
    }

    /**
     * Counts and prices what {@code tests} will ask, once each, and says it: every run shows what it may cost
     * before it sends anything (a launcher's run all its tests at once, a run without one each test as it starts).
     */
    private void estimate(List<SelectedTest> tests) {
        RunEstimate estimate = new RunEstimate(states, config);
        for (SelectedTest t : tests) {
            if (estimated.add(t.id())) {
                estimate.add(t);
            }
        }
        estimate.say(dryRun);
        estimates.add(estimate);
    }

    /**
     * Checks a test's questions once, reading their ids (no rows, an id given to two rows: see {@link QuestionCheck}),
     * and notes which of the ids {@code evalunit.question} selects it has.
     *
     * @throws RuntimeException why its questions cannot be asked
     */
    private void checkQuestions(PlannedTest test, String id) {
        if (!questionsChecked.add(id)) {
            return;
        }
        test.questions().ifPresent(q -> {
            QuestionCheck.Found found = QuestionCheck.check(test.suite() + " · " + test.test(), q.source(), q.ids(),
                    rows.ids());
            questionIdsFound.addAll(found.selected());
            questionIdsKnown.addAll(found.ids());
        });
    }

    /**
     * The ids {@code evalunit.question} selects that no test started had, each with the nearest ids there are,
     * e.g. {@code h0 (nearest: h1, h2, h3)}; empty when all were found, or none were selected.
     */
    List<String> questionsNotFound() {
        List<String> missing = new ArrayList<>();
        for (String wanted : new TreeSet<>(rows.ids())) {
            if (!questionIdsFound.contains(wanted) && !questionIdsKnown.isEmpty()) {
                missing.add(wanted + " (nearest: " + String.join(", ",
                        nearest(wanted, questionIdsKnown, 3)) + ")");
            }
        }
        return missing;
    }

    /** Every estimate said, for the verdict of a dry run. */
    List<RunEstimate> estimates() {
        return estimates;
    }

    /** The {@code max} names of {@code known} nearest {@code name} (Damerau-Levenshtein), nearest first, ties in order. */
    private static List<String> nearest(String name, Collection<String> known, int max) {
        DamerauLevenshteinDistance distance = new DamerauLevenshteinDistance();
        return known.stream().sorted(Comparator.comparingInt(k -> distance.apply(name, k))).limit(max).toList();
    }
}
