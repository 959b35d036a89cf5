package dev.evalunit.internal.run;

import java.util.Set;

/**
 * A test a run is about to run, known by an id unique in the run (the adapter's: a JUnit unique id),
 * with the numbers of its selected invocations (empty: all of them).
 */
public record SelectedTest(PlannedTest test, String id, Set<Integer> selected) {

    public SelectedTest {
        selected = Set.copyOf(selected);
    }
}
