package dev.evalunit.reports;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * The runs a report is made of, as the harness keeps them (its documented layout, not its code): a directory
 * per run holding {@code run.json}, under {@code runs/}, where {@code latest} (a symbolic link, or a file
 * holding an id) names the last full run. Stateless.
 */
final class Runs {

    static final String LATEST = "latest";
    private static final String MANIFEST = "run.json";

    private Runs() {
    }

    /**
     * The run directories {@code list} names, comma-separated: {@code latest}, ids of {@code runsDir}, or
     * directories (relative to {@code base}).
     *
     * @throws ReportInputException naming what was not found, with the runs kept in {@code runsDir}
     */
    static List<Path> resolve(Path runsDir, String list, Path base) {
        List<Path> runs = new ArrayList<>();
        for (String ref : Arrays.stream(list.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList()) {
            runs.add(resolveOne(runsDir, ref, base));
        }
        return runs;
    }

    private static Path resolveOne(Path runsDir, String ref, Path base) {
        if (ref.equals(LATEST)) {
            Path latest = runsDir.resolve(LATEST);
            try {
                Path target = Files.isSymbolicLink(latest) ? runsDir.resolve(Files.readSymbolicLink(latest).getFileName())
                        : Files.isRegularFile(latest) ? runsDir.resolve(Files.readString(latest).strip()) : null;
                if (target != null && Files.isRegularFile(target.resolve(MANIFEST))) {
                    return target;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + latest, e);
            }
            throw new ReportInputException("no full run in " + runsDir + " (runs/latest): run a benchmark first (e.g. "
                    + "mvn test -Dsuite=TruthfulQA), or name runs with -D" + ReportOptions.RUNS + "=<id>,<id>"
                    + kept(runsDir));
        }
        for (Path candidate : List.of(runsDir.resolve(ref), base.resolve(ref))) {
            if (Files.isRegularFile(candidate.resolve(MANIFEST))) {
                return candidate.normalize();
            }
        }
        throw new ReportInputException("no run \"" + ref + "\" in " + runsDir + " nor at " + base.resolve(ref).normalize()
                + " (a run's directory holds " + MANIFEST + ")" + kept(runsDir));
    }

    private static String kept(Path runsDir) {
        if (!Files.isDirectory(runsDir)) {
            return "";
        }
        try (Stream<Path> dirs = Files.list(runsDir)) {
            List<String> ids = dirs.filter(d -> !Files.isSymbolicLink(d) && Files.isRegularFile(d.resolve(MANIFEST)))
                    .map(d -> d.getFileName().toString()).sorted().toList();
            return ids.isEmpty() ? "" : "; runs kept there: " + String.join(", ",
                    ids.subList(Math.max(0, ids.size() - 8), ids.size()));
        } catch (IOException e) {
            return "";
        }
    }
}
