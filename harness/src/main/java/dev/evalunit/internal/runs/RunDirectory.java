package dev.evalunit.internal.runs;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apiguardian.api.API;

/**
 * Where runs are kept: {@code <evalunit.results.dir>/runs/<id>/}, one directory per run, never written by
 * another, and {@code runs/latest}, which points at the last full run. An id is the run's start in UTC,
 * {@code 20261206-201533}, with {@code -2}, {@code -3} when runs start in the same second; ids sort in the
 * order runs started. Stateless.
 *
 * <p>{@code latest} is a symbolic link to the run's directory where the file system has them, so that
 * {@code runs/latest/results.csv} opens from any program; elsewhere a file holding the id.
 */
@API(status = INTERNAL, since = "0.1")
public final class RunDirectory {

    public static final String RUNS = "runs";
    public static final String LATEST = "latest";
    public static final String MANIFEST = "run.json";
    public static final String INVOCATIONS = "invocations.jsonl";
    public static final String CSV = "results.csv";
    public static final String ANALYSIS = "analysis.json";
    public static final String VERDICT = "verdict.json";
    public static final String ALLURE_RESULTS = "allure-results";

    private static final DateTimeFormatter ID = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private RunDirectory() {
    }

    /** Creates the directory of a run starting {@code at}, with an id no other run of {@code resultsDir} has. */
    static Path create(Path resultsDir, Instant at) {
        Path runs = resultsDir.resolve(RUNS);
        try {
            Files.createDirectories(runs);
            String id = ID.format(at);
            for (int n = 1; ; n++) {
                Path dir = runs.resolve(n == 1 ? id : id + "-" + n);
                try {
                    return Files.createDirectory(dir);
                } catch (FileAlreadyExistsException taken) {
                    // another run started in the same second: the next suffix
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a run's directory in " + runs + ": " + e.getMessage()
                    + "; check its permissions or set evalunit.results.dir", e);
        }
    }

    /** Makes {@code runDir} the one {@code runs/latest} points at. */
    static void markLatest(Path resultsDir, Path runDir) {
        Path runs = resultsDir.resolve(RUNS);
        Path latest = runs.resolve(LATEST);
        try {
            Path tmp = runs.resolve(".latest-" + ProcessHandle.current().pid());
            Files.deleteIfExists(tmp);
            try {
                Files.createSymbolicLink(tmp, runDir.getFileName());
            } catch (UnsupportedOperationException | IOException noLinks) {
                Files.writeString(tmp, runDir.getFileName().toString() + System.lineSeparator(), StandardCharsets.UTF_8);
            }
            Files.move(tmp, latest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot point " + latest + " at " + runDir.getFileName() + ": " + e.getMessage(), e);
        }
    }

    /** The directory {@code runs/latest} points at: the last full run of {@code resultsDir}, if any. */
    public static Optional<Path> latest(Path resultsDir) {
        Path latest = resultsDir.resolve(RUNS).resolve(LATEST);
        try {
            if (Files.isSymbolicLink(latest)) {
                return Optional.of(resultsDir.resolve(RUNS).resolve(Files.readSymbolicLink(latest).getFileName()))
                        .filter(Files::isDirectory);
            }
            if (Files.isRegularFile(latest)) {
                return Optional.of(resultsDir.resolve(RUNS).resolve(Files.readString(latest).strip()))
                        .filter(Files::isDirectory);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + latest + ": " + e.getMessage(), e);
        }
        return Optional.empty();
    }

    /** Every run directory of {@code resultsDir} (those holding a {@value #MANIFEST}), oldest first. */
    public static List<Path> all(Path resultsDir) {
        Path runs = resultsDir.resolve(RUNS);
        if (!Files.isDirectory(runs)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(runs)) {
            return dirs.filter(d -> !Files.isSymbolicLink(d) && Files.isRegularFile(d.resolve(MANIFEST)))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the runs in " + runs + ": " + e.getMessage(), e);
        }
    }

    /**
     * The run a user names: {@code latest}, an id of {@code resultsDir}'s runs, a run's directory, or a file in
     * one ({@code results.csv}, {@code run.json}, ...).
     *
     * @throws IllegalArgumentException naming what was given and where it was looked for, with the last runs kept
     */
    public static Path resolve(Path resultsDir, String reference) {
        String ref = reference.strip();
        List<Path> tried = new ArrayList<>();
        if (ref.equals(LATEST)) {
            Optional<Path> latest = latest(resultsDir);
            if (latest.isPresent()) {
                return latest.get();
            }
            throw new IllegalArgumentException("there is no full run in " + resultsDir.resolve(RUNS)
                    + " yet (runs/latest points at the last run that was not narrowed to single tests or questions "
                    + "and had no problem)" + known(resultsDir));
        }
        Path asGiven = Path.of(ref);
        for (Path candidate : List.of(resultsDir.resolve(RUNS).resolve(ref), asGiven)) {
            tried.add(candidate);
            if (Files.isRegularFile(candidate.resolve(MANIFEST))) {
                return candidate.toAbsolutePath().normalize();
            }
            if (Files.isRegularFile(candidate) && candidate.toAbsolutePath().getParent() != null
                    && Files.isRegularFile(candidate.toAbsolutePath().getParent().resolve(MANIFEST))) {
                return candidate.toAbsolutePath().getParent().normalize();
            }
        }
        throw new IllegalArgumentException("no run \"" + ref + "\": looked for a run directory (holding " + MANIFEST
                + ") at " + tried.stream().map(Path::toString).distinct().toList() + known(resultsDir));
    }

    private static String known(Path resultsDir) {
        List<Path> runs = all(resultsDir);
        if (runs.isEmpty()) {
            return "; no run is kept there";
        }
        List<String> last = runs.subList(Math.max(0, runs.size() - 5), runs.size()).stream()
                .map(p -> p.getFileName().toString()).toList();
        return "; the last runs kept there: " + String.join(", ", last);
    }
}
