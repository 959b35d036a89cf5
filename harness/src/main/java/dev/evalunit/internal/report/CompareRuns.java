package dev.evalunit.internal.report;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.evalunit.config.ConfigKeys;
import dev.evalunit.config.ConfigSources;
import dev.evalunit.config.ConfigValues;
import dev.evalunit.internal.compare.CompareOptions;
import dev.evalunit.internal.compare.CompareReport;
import dev.evalunit.internal.compare.Comparisons;
import dev.evalunit.internal.runs.RunDirectory;
import dev.evalunit.internal.runs.RunManifest;
import dev.evalunit.internal.runs.RunRecord;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apiguardian.api.API;

/**
 * Compares two kept runs, or the temperatures or models of one, paired by question: the command a benchmark
 * project calls as {@code mvn exec:java@compare} ({@code evalunit-benchmarks-parent} declares it).
 *
 * <pre>
 * mvn exec:java@compare                                          # the last full run against the one before it
 * mvn exec:java@compare -Devalunit.compare=20261206-101500,latest  # two runs: A (the reference), then B
 * mvn exec:java@compare -Devalunit.compare=latest -Devalunit.compare.by=model        # the models of one run
 * mvn exec:java@compare -Devalunit.compare=latest -Devalunit.compare.by=temperature  # its T=0.0 against the others
 * </pre>
 *
 * A run is named by its id, {@code latest}, its directory, or a file in it. The table is printed, and
 * {@code compare.json}, {@code compare.md} and {@code compare.html} are written to
 * {@code <evalunit.results.dir>/comparisons/<A>_vs_<B>/} ({@code evalunit.compare.dir} to choose). It judges
 * nothing: a build that must not fall behind a run names it as {@code evalunit.baseline}.
 */
@API(status = INTERNAL, since = "0.1")
public final class CompareRuns {

    /** {@code A,B}: the runs to compare; one run with {@link #BY}. */
    public static final String RUNS = "evalunit.compare";
    /** {@code runs} (default), {@code temperature} or {@code model}. */
    public static final String BY = "evalunit.compare.by";
    /** Where the files go. */
    public static final String DIR = "evalunit.compare.dir";

    private CompareRuns() {
    }

    public static void main(String[] args) {
        if (args.length != 2 || !args[0].equals("--module")) {
            throw new IllegalArgumentException("usage: CompareRuns --module <module directory>");
        }
        Path module = Path.of(args[1]).toAbsolutePath().normalize();
        ConfigValues values = ConfigValues.read(ConfigSources.real());
        Path results = module.resolve(values.get(ConfigKeys.RESULTS_DIR).map(String::strip).filter(v -> !v.isEmpty())
                .orElse("target/evalunit"));
        System.out.print(run(results, System.getProperty(RUNS), System.getProperty(BY), System.getProperty(DIR),
                CompareOptions.from(values)));
    }

    /**
     * Compares the runs {@code runs} names ({@code null}: the last two full runs) kept in {@code results}, writes
     * the files, and returns the table with where they are.
     *
     * @throws IllegalArgumentException naming what was given wrong: a run not kept, a mode not known
     */
    public static String run(Path results, String runs, String by, String dir, CompareOptions options) {
        Comparisons.By mode = mode(by);
        List<Path> named = runs == null || runs.isBlank() ? lastTwoFull(results, mode)
                : Arrays.stream(runs.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .map(ref -> RunDirectory.resolve(results, ref)).toList();
        int needed = mode == Comparisons.By.RUNS ? 2 : 1;
        if (named.size() != needed) {
            throw new IllegalArgumentException(RUNS + " must name " + (needed == 2 ? "two runs, A,B" : "one run")
                    + " to compare by " + mode.name().toLowerCase(Locale.ROOT) + ", but named " + named.size());
        }
        Path a = named.get(0);
        Path b = needed == 2 ? named.get(1) : null;
        String idA = a.getFileName().toString();
        String idB = b == null ? null : b.getFileName().toString();
        Comparisons.Source sourceA = each -> RunRecord.invocations(a, each);
        Comparisons.Source sourceB = b == null ? null : each -> RunRecord.invocations(b, each);
        CompareReport report = Comparisons.compare(mode, sourceA, idA, sourceB, idB, options.settings(), Map.of());
        String title = b == null ? "Run " + idA + ": " + (mode == Comparisons.By.TEMPERATURE
                ? "each test's lowest temperature against its others" : "its first model against each other")
                : "Run " + idB + " (B) against " + idA + " (A)";
        Path out = dir != null && !dir.isBlank() ? Path.of(dir) : results.resolve("comparisons")
                .resolve(b == null ? idA + "_by_" + mode.name().toLowerCase(Locale.ROOT) : idA + "_vs_" + idB);
        report.write(out, title, sourceA, sourceB);
        return report.text(title) + "evalunit: the comparison is in " + out.resolve("compare.md") + ", "
                + out.resolve("compare.html") + " and " + out.resolve("compare.json") + System.lineSeparator();
    }

    private static Comparisons.By mode(String by) {
        if (by == null || by.isBlank()) {
            return Comparisons.By.RUNS;
        }
        return switch (by.strip().toLowerCase(Locale.ROOT)) {
            case "runs", "run" -> Comparisons.By.RUNS;
            case "temperature", "temperatures" -> Comparisons.By.TEMPERATURE;
            case "model", "models" -> Comparisons.By.MODEL;
            default -> throw new IllegalArgumentException(BY + " must be runs, temperature or model but was \"" + by + "\"");
        };
    }

    /** The last two full runs, the older first; the last one alone when comparing within a run. */
    private static List<Path> lastTwoFull(Path results, Comparisons.By mode) {
        List<Path> full = new ArrayList<>();
        for (Path run : RunDirectory.all(results)) {
            RunManifest manifest = RunRecord.manifest(run);
            if (manifest.full()) {
                full.add(run);
            }
        }
        int needed = mode == Comparisons.By.RUNS ? 2 : 1;
        if (full.size() < needed) {
            throw new IllegalArgumentException("comparing needs " + needed + " full run" + (needed == 2 ? "s" : "")
                    + " in " + results.resolve(RunDirectory.RUNS) + " but it holds " + full.size()
                    + "; name the runs with -D" + RUNS + "=<id>,<id> (ids are the directories in runs/)");
        }
        return full.subList(full.size() - needed, full.size());
    }
}
