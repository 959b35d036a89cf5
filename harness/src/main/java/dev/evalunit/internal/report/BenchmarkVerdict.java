package dev.evalunit.internal.report;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.evalunit.config.ConfigKeys;
import dev.evalunit.config.ConfigSources;
import dev.evalunit.config.ConfigValues;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.apiguardian.api.API;

/**
 * The build's last gate on a benchmark run, run after the tests by {@code evalunit-benchmarks-parent}'s
 * suite profile: the run itself fails the tests when it missed its thresholds ({@code evalunit.min-pass-rate},
 * {@code evalunit.max-error-rate}, {@code @BenchmarkSuite(minPassRate)}) or had a problem; this step reads the
 * verdict it wrote, so a build whose tests ran no benchmark to its end, or only an earlier build's, fails too.
 *
 * <pre>java dev.evalunit.internal.report.BenchmarkVerdict target/evalunit/verdict.json [2026-12-05T01:37:00Z]
 * java dev.evalunit.internal.report.BenchmarkVerdict --module /path/to/module [2026-12-05T01:37:00Z]</pre>
 *
 * With {@code --module}, the verdict is where the run wrote it: {@code verdict.json} in {@code evalunit.results.dir}
 * as the configuration says it ({@code -D}, environment, properties files), a relative one from the module's
 * directory as the tests resolved it; {@code target/evalunit} by default.
 *
 * Exits normally when the run wrote a verdict that passed; throws, with the reason, when it failed
 * (thresholds missed, or a problem that kept the run from being a result), or when there is no verdict at
 * all, or only one written before the build started (the second argument, {@code ${maven.build.timestamp}}): then
 * no benchmark ran to its end, and a build that ran nothing must not pass. Either way
 * {@code exec:java} fails.
 */
@API(status = INTERNAL, since = "0.1")
public final class BenchmarkVerdict {

    private BenchmarkVerdict() {
    }

    /** Where the run of the module at {@code module} wrote its verdict, as the configuration says. */
    static Path verdictOf(Path module) {
        Path dir = Path.of("target", "evalunit");
        try {
            dir = ConfigValues.read(ConfigSources.real()).get(ConfigKeys.RESULTS_DIR).map(String::strip)
                    .filter(v -> !v.isEmpty()).map(Path::of).orElse(dir);
        } catch (RuntimeException unreadable) {
            // the default: the run reported the configuration's own problem
        }
        return module.resolve(dir).resolve(BuildOutcome.VERDICT_FILE);
    }

    public static void main(String[] args) {
        boolean module = args.length > 0 && "--module".equals(args[0]);
        int rest = module ? 2 : 1;
        if (args.length < rest || args.length > rest + 1) {
            throw new IllegalArgumentException("usage: BenchmarkVerdict <verdict.json> | --module <module directory> "
                    + "[<build start, e.g. 2026-12-05T01:37:00Z: a verdict written before it is an earlier run's>]");
        }
        Path file = module ? verdictOf(Path.of(args[1])) : Path.of(args[0]);
        args = args.length == rest + 1 ? new String[] {file.toString(), args[rest]} : new String[] {file.toString()};
        if (!Files.exists(file)) {
            throw new RunFailedException("no benchmark run wrote its verdict to " + file + ": no benchmark ran to "
                    + "its end (the tests' output above says why, e.g. -Dsuite named no suite of this module)");
        }
        if (args.length == 2) {
            Instant buildStart = Instant.parse(args[1]);
            Instant written;
            try {
                written = Files.getLastModifiedTime(file).toInstant();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read when " + file + " was written", e);
            }
            // the build's start is in whole seconds; a verdict of this build is written after it
            if (written.isBefore(buildStart)) {
                throw new RunFailedException("the verdict in " + file + " was written by an earlier run (at " + written
                        + "), before this build started (at " + buildStart + "): no benchmark ran to its end in this "
                        + "build (the tests' output above says why, e.g. -Dtest or -Dsuite selected no benchmark)");
            }
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
