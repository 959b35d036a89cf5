package dev.evalunit.internal.runs;

import static org.apiguardian.api.API.Status.INTERNAL;

import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.evalunit.config.ConfigValues;
import dev.evalunit.dataset.DatasetsUsed;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apiguardian.api.API;

/**
 * One run kept as a record, in a directory of its own that no other run writes
 * ({@code <evalunit.results.dir>/runs/<id>/}, see {@link RunDirectory}): {@code run.json} (what was run, on
 * what, how it ended), {@code invocations.jsonl} and {@code results.csv} (every invocation with its answer and
 * outcome), and beside them what the run's end writes there (the analysis, the verdict, the Allure results).
 * A narrowed run (one question from an IDE), a run that failed, and another suite's run each keep their own;
 * {@code runs/latest} moves only to a full run. Thread-safe.
 */
@API(status = INTERNAL, since = "0.1")
public final class RunRecord {

    private static final ObjectWriter MANIFEST = RunLog.JSON.writerFor(RunManifest.class)
            .with(SerializationFeature.INDENT_OUTPUT);

    private final Path resultsDir;
    private final Path directory;
    private final Clock clock;
    private final Instant started;
    private final long startedNanos = System.nanoTime();
    private final RunManifest.Project project;
    private final String suites;
    private final Map<String, String> settings;
    private final String origin;
    /** The models the run compares, {@code null} when it asks one. */
    private final List<String> comparedModels;
    private final RunLog log;
    // guarded by this
    private long passed;
    private long failed;
    private long errors;
    private long unscored;
    private long replayed;
    private double costUsd;
    private boolean ended;

    private RunRecord(Path resultsDir, Path directory, Clock clock, String suites, Map<String, String> settings,
                      String origin, List<String> comparedModels) {
        this.resultsDir = resultsDir;
        this.directory = directory;
        this.clock = clock;
        this.started = clock.instant();
        this.project = GitCommit.of(ProjectRoot.current());
        this.suites = suites;
        this.settings = settings;
        this.origin = origin;
        this.comparedModels = comparedModels;
        this.log = new RunLog(directory.resolve(RunDirectory.INVOCATIONS));
    }

    /**
     * Starts the record of a run: its directory, and {@code run.json} saying it runs.
     *
     * @param resultsDir where runs are kept ({@code evalunit.results.dir})
     * @param values     the run's settings, kept redacted
     * @param origin     where its answers come from ({@code simulated}, {@code live api.openai.com/v1})
     */
    public static RunRecord start(Path resultsDir, ConfigValues values, String origin, Clock clock) {
        return start(resultsDir, values, origin, List.of(), clock);
    }

    /**
     * As {@link #start(Path, ConfigValues, String, Clock)}, for a run that compares {@code models}
     * ({@code evalunit.models}), which {@code run.json} lists when there are two or more.
     */
    public static RunRecord start(Path resultsDir, ConfigValues values, String origin, List<String> models,
                                  Clock clock) {
        Path dir = RunDirectory.create(resultsDir, clock.instant());
        String suite = System.getProperty("suite");
        RunRecord record = new RunRecord(resultsDir, dir, clock, suite == null || suite.isBlank() ? null : suite.strip(),
                values.redacted(), origin, models.size() > 1 ? List.copyOf(models) : null);
        record.writeManifest("running", null, null);
        return record;
    }

    /** The run's id, its directory's name: {@code 20261206-201533}. */
    public String id() {
        return directory.getFileName().toString();
    }

    /** The run's directory. */
    public Path directory() {
        return directory;
    }

    /** Where the run keeps its Allure results when no other directory is configured. */
    public Path allureResults() {
        return directory.resolve(RunDirectory.ALLURE_RESULTS);
    }

    /** Where the run's analysis goes. */
    public Path analysis() {
        return directory.resolve(RunDirectory.ANALYSIS);
    }

    /** One invocation ended; {@code questionText} goes into the digest of its test's questions, not the line. */
    public void add(InvocationRecord record, String questionText) {
        log.add(record, questionText);
        synchronized (this) {
            switch (record.outcome()) {
                case InvocationRecord.PASSED -> passed++;
                case InvocationRecord.FAILED -> failed++;
                case "error" -> errors++;
                default -> unscored++;
            }
            if ("replayed".equals(record.route())) {
                replayed++;
            }
            costUsd += record.costUsd();
        }
    }

    /**
     * The run ended: its log is closed, {@code results.csv} written, {@code run.json} rewritten with how it ended,
     * and {@code runs/latest} moved to it when it is full.
     *
     * @param interrupted whether Ctrl-C stopped it
     * @param notFull     why it is not a full run, or {@code null} when it is (an interrupted run never is)
     * @param verdict     the verdict on it, or {@code null} when it has none
     */
    public synchronized void end(boolean interrupted, String notFull, RunManifest.Verdict verdict) {
        if (ended) {
            return;
        }
        ended = true;
        log.close();
        ResultsCsv.write(directory.resolve(RunDirectory.INVOCATIONS), directory.resolve(RunDirectory.CSV));
        String why = interrupted ? "interrupted" : notFull != null ? notFull : log.lines() == 0 ? "no invocation ran" : null;
        writeManifest(interrupted ? "interrupted" : "ended", why, verdict);
        if (why == null) {
            RunDirectory.markLatest(resultsDir, directory);
        }
    }

    private void writeManifest(String status, String notFull, RunManifest.Verdict verdict) {
        boolean running = status.equals("running");
        RunManifest manifest = new RunManifest(RunManifest.SCHEMA, id(), status, !running && notFull == null,
                running ? null : notFull, started.toString(), running ? null : clock.instant().toString(), project,
                suites, settings, origin, List.copyOf(log.models()), comparedModels, DatasetsUsed.since(startedNanos), log.questions(),
                new RunManifest.Counts(log.lines(), passed, failed, errors, unscored, replayed, costUsd), verdict);
        Path file = directory.resolve(RunDirectory.MANIFEST);
        try {
            Path tmp = Files.createTempFile(directory, RunDirectory.MANIFEST, ".tmp");
            MANIFEST.writeValue(tmp.toFile(), manifest);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads a run's {@code run.json}. */
    public static RunManifest manifest(Path runDirectory) {
        Path file = runDirectory.resolve(RunDirectory.MANIFEST);
        try {
            return RunLog.JSON.readValue(file.toFile(), RunManifest.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Hands every invocation of a run's record to {@code each}, in the order they ended. */
    public static void invocations(Path runDirectory, java.util.function.Consumer<InvocationRecord> each) {
        RunLog.read(runDirectory.resolve(RunDirectory.INVOCATIONS), each);
    }
}
