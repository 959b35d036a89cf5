package dev.evalunit.internal.run;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.util.Set;
import org.apiguardian.api.API;

/**
 * A test a run is about to run, known by an id unique in the run (the adapter's: a JUnit unique id),
 * with the numbers of its selected invocations (empty: all of them).
 */
@API(status = INTERNAL, since = "0.1")
public record SelectedTest(PlannedTest test, String id, Set<Integer> selected) {

    public SelectedTest {
        selected = Set.copyOf(selected);
    }
}
