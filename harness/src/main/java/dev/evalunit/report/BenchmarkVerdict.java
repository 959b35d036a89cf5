package dev.evalunit.report;

import dev.evalunit.internal.report.BuildOutcome;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The build's gate on a benchmark run: a wrong answer fails its invocation, not the build (a
 * benchmark module runs Surefire with {@code testFailureIgnore}); this step, run after the tests,
 * fails the build when the run missed its thresholds ({@code evalunit.min-pass-rate},
 * {@code evalunit.max-error-rate}, {@code @BenchmarkSuite(minPassRate)}).
 *
 * <pre>java dev.evalunit.report.BenchmarkVerdict target/evalunit/verdict.json</pre>
 *
 * Exits normally when the run wrote a verdict that passed; throws, with the reason, when it failed
 * (thresholds missed, or a problem that kept the run from being a result), or when there is no verdict at
 * all: then no benchmark ran to its end, and a build that ran nothing must not pass. Either way
 * {@code exec:java} fails.
 */
public final class BenchmarkVerdict {

    private BenchmarkVerdict() {
    }

    public static void main(String[] args) {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: BenchmarkVerdict <verdict.json>");
        }
        Path file = Path.of(args[0]);
        if (!Files.exists(file)) {
            throw new RunFailedException("no benchmark run wrote its verdict to " + file + ": no benchmark ran to "
                    + "its end (the tests' output above says why, e.g. -Dsuite named no suite of this module)");
        }
        BuildOutcome.Verdict verdict = BuildOutcome.Verdict.read(file);
        if (!verdict.passed()) {
            throw new RunFailedException("the benchmark run failed: " + verdict.reason().replace("\n", "; "));
        }
        System.out.println("evalunit: " + verdict.reason());
    }

    /** The run failed, or none ended; the message says why: which thresholds it missed and by how much, or what broke. */
    public static final class RunFailedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RunFailedException(String reason) {
            super(reason);
        }
    }
}
