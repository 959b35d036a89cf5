package dev.evalunit.testing;

import dev.evalunit.internal.runs.RunDirectory;
import java.nio.file.Path;
import java.util.List;

/** The runs a test's runs kept. */
public final class Runs {

    private Runs() {
    }

    /** The directory of the last run kept in {@code resultsDir}, whatever it was (narrow, failed or full). */
    public static Path last(Path resultsDir) {
        List<Path> all = RunDirectory.all(resultsDir);
        if (all.isEmpty()) {
            throw new AssertionError("no run is kept in " + resultsDir);
        }
        return all.get(all.size() - 1);
    }
}
