package dev.evalunit.internal.run;

import dev.evalunit.internal.client.BudgetGuard;
import dev.evalunit.internal.client.ThrottledClient;
import dev.evalunit.config.ConfigKeys;
import dev.evalunit.config.ConfigSources;
import dev.evalunit.config.ConfigValues;
import dev.evalunit.config.EvalConfig;
import dev.evalunit.internal.checkpoint.JsonlFiles;
import dev.evalunit.internal.checkpoint.Origin;
import dev.evalunit.internal.report.BuildOutcome;
import dev.evalunit.internal.report.RunSummary;
import dev.evalunit.internal.runs.RunManifest;
import dev.evalunit.internal.runs.RunRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How a run ends: the notes and verdict it prints, and the verdict it writes to {@code evalunit.results.dir} for
 * the build's gate and to the run's record, from what its invocations ended as ({@link InvocationCounts}) and
 * how they scored ({@link ScoreJudge}, whose settings are read as the run starts). A run whose result cannot be
 * trusted fails however its answers scored: a problem ({@link RunProblems}), no invocation run at all,
 * or every invocation of a test aborted (a judge that never gave a verdict is no result, not a pass). Each cause
 * is printed once, in full. Thread-safe.
 */
final class RunEnd {

    private static final System.Logger LOG = System.getLogger(RunEnd.class.getName());

    private final Path resultsDir;
    /** The verdict on the scores, its settings read as the run starts; {@code null} for a run that could not start. */
    private final ScoreJudge scores;

    /**
     * The end of a run that started: the last run's verdict, which the build's gate reads, is removed now; until
     * this run writes its own there is none. Every run's results stay, each in its own directory.
     */
    RunEnd(EvalConfig config) {
        this(config.values().getAs(ConfigKeys.RESULTS_DIR, Path.of("target", "evalunit"), "a directory path", Path::of),
                config.values());
        try {
            Files.deleteIfExists(resultsDir.resolve(BuildOutcome.VERDICT_FILE));
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot remove the last run's verdict in " + resultsDir + ": " + e);
        }
    }

    /** Where runs keep their results ({@code evalunit.results.dir}). */
    Path resultsDir() {
        return resultsDir;
    }

    /**
     * @throws dev.evalunit.config.ConfigException         naming a setting of the comparison or the gate that is wrong
     * @throws dev.evalunit.BenchmarkConfigurationException when {@code evalunit.baseline} names no kept run
     */
    private RunEnd(Path resultsDir, ConfigValues values) {
        this.resultsDir = resultsDir;
        this.scores = values == null ? null : new ScoreJudge(resultsDir, values);
    }

    /** The end of a run that could not start: its verdict goes where the configuration, as far as it reads, says. */
    static RunEnd unstarted(ConfigSources sources) {
        Path dir = Path.of("target", "evalunit");
        try {
            dir = ConfigValues.read(sources).get(ConfigKeys.RESULTS_DIR).map(Path::of).orElse(dir);
        } catch (RuntimeException unreadable) {
            // the default, then: the configuration's own problem is the one reported
        }
        return new RunEnd(dir, null);
    }

    /**
     * Prints what the summary table does not say (answers of the fallback model, money possibly spent),
     * the analysis and the verdict, writes them, and fails when the thresholds were missed or the run has
     * problems.
     *
     * @throws AssertionError naming every threshold missed and every problem
     */
    void finish(RunSummary summary, InvocationCounts counts, RunProblems problems, Map<String, Double> suiteMinPassRates,
                EvalConfig config, ThrottledClient client, Origin origin, RunRecord record, String narrowed,
                List<String> questionsNotFound) {
        counts.printFallbacks();
        BudgetGuard budget = client.budget();
        if (budget.possiblySpentAttempts() > 0) {
            System.out.println(String.format(Locale.ROOT, "evalunit: %,d attempts timed out on our side and may have "
                            + "been billed: $%.4f possibly spent, counted in the spend for evalunit.budget.usd",
                    budget.possiblySpentAttempts(), budget.possiblySpentUsd()));
        }
        counts.addProblems(problems, origin, questionsNotFound);
        List<String> reasons = new ArrayList<>();
        problems.all().forEach(p -> reasons.add(p.summary()));
        String errors = counts.errors();
        if (!errors.isEmpty()) {
            System.out.println("evalunit: " + errors);
        }
        boolean passed = !problems.any();
        if (!summary.figures().isEmpty()) {
            BuildOutcome.Verdict scored = scores.judge(summary, suiteMinPassRates, config, record,
                    counts.waitingForBatches());
            passed &= scored.passed();
            if (!scored.passed() || reasons.isEmpty()) {
                reasons.add(scored.reason());
            }
            if (scored.passed()) {
                System.out.println("evalunit: thresholds met: " + scored.reason());
            } // a miss is the run's failure, printed once at the end
        }
        if (!passed && !errors.isEmpty()) {
            reasons.add(errors); // what failed, where: the cause, not only the count
        }
        BuildOutcome.Verdict verdict = new BuildOutcome.Verdict(passed, String.join("\n", reasons));
        String notFull = narrowed != null ? narrowed : problems.any() ? "the run had problems: "
                + String.join("; ", problems.all().stream().map(RunProblems.Problem::summary).toList()) : null;
        keep(verdict, record, notFull);
        System.out.println("evalunit: run " + record.id() + " kept in " + JsonlFiles.shown(record.directory())
                + (notFull == null ? " (runs/latest)" : " (not runs/latest: " + notFull + ")"));
        if (!passed) {
            throw failure(reasons, problems.all());
        }
    }

    /**
     * The end of a dry run: what it planned and priced, said and written as a verdict that passes (nothing was
     * asked, so nothing is judged); its record is kept, never as {@code runs/latest}.
     */
    void dryRun(RunRecord record, List<RunEstimate> estimates) {
        long invocations = 0;
        long stored = 0;
        long requests = 0;
        long followUps = 0;
        double realTime = 0;
        double batches = 0;
        for (RunEstimate e : estimates) {
            invocations += e.invocations;
            stored += e.stored;
            requests += e.requests;
            followUps += e.followUps;
            realTime += e.realTimeUsd;
            batches += e.batchUsd;
        }
        String reason = String.format(Locale.ROOT, "a dry run (%s=true): %,d invocations planned, %,d answers stored, "
                        + "%,d requests and %,d follow-ups would be sent, at most $%.4f in real time ($%.4f with the "
                        + "@BatchEligible tests in batches); nothing was sent", ConfigKeys.DRY_RUN, invocations, stored,
                requests, followUps, realTime, batches);
        keep(new BuildOutcome.Verdict(true, reason), record, "a dry run: nothing was sent");
        System.out.println("evalunit: " + reason);
    }

    /**
     * Writes the verdict where the build's gate reads it and into the run's record, which it ends.
     *
     * @param notFull why the run is not a full one, never {@code runs/latest}; {@code null} when it is
     */
    private void keep(BuildOutcome.Verdict verdict, RunRecord record, String notFull) {
        verdict.write(resultsDir.resolve(BuildOutcome.VERDICT_FILE));
        verdict.write(record.directory().resolve(BuildOutcome.VERDICT_FILE));
        record.end(false, notFull, new RunManifest.Verdict(verdict.passed(), verdict.reason()));
    }

    /** A run that could not start: its problems, printed and written as a failed verdict. */
    void failed(List<RunProblems.Problem> problems) {
        List<String> reasons = problems.stream().map(RunProblems.Problem::summary).toList();
        new BuildOutcome.Verdict(false, String.join("\n", reasons)).write(resultsDir.resolve(BuildOutcome.VERDICT_FILE));
        throw failure(reasons, problems);
    }

    /**
     * The run's failure: one line of reasons, then each problem in full. It is the run's last word, printed
     * once where the build lists its failures (Surefire's, an IDE's), so nothing prints it before.
     */
    private static AssertionError failure(List<String> reasons, List<RunProblems.Problem> problems) {
        StringBuilder message = new StringBuilder("evalunit: the run failed: ").append(String.join("; ", reasons));
        int n = 0;
        for (RunProblems.Problem p : problems) {
            message.append(System.lineSeparator()).append("  ").append(++n).append(". ")
                    .append(p.detail().replace("\n", System.lineSeparator() + "     "));
        }
        return new AssertionError(message.toString());
    }
}
