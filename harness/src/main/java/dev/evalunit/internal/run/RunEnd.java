package dev.evalunit.internal.run;

import dev.evalunit.Completion;
import dev.evalunit.client.BudgetGuard;
import dev.evalunit.client.OpenAiClient;
import dev.evalunit.config.ConfigKeys;
import dev.evalunit.config.ConfigSources;
import dev.evalunit.config.ConfigValues;
import dev.evalunit.config.EvalConfig;
import dev.evalunit.internal.checkpoint.JsonlFiles;
import dev.evalunit.internal.checkpoint.Origin;
import dev.evalunit.internal.report.BuildOutcome;
import dev.evalunit.internal.report.InvocationResult.Outcome;
import dev.evalunit.internal.report.RunSummary;
import dev.evalunit.internal.runs.RunManifest;
import dev.evalunit.internal.runs.RunRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * How a run ends: what it counted along the way, the notes and verdict it prints, and the verdict and
 * analysis it writes to {@code evalunit.results.dir} for the build's gate; the scores are judged by a
 * {@link ScoreJudge}, whose settings are read with the run's. A run whose result cannot be
 * trusted fails however its answers scored: a problem ({@link RunProblems}), no invocation run at all,
 * or every invocation of a test aborted (a judge that never gave a verdict is no result, not a pass). Each cause
 * is printed once, in full. Thread-safe.
 */
final class RunEnd {

    private static final System.Logger LOG = System.getLogger(RunEnd.class.getName());

    private final Path resultsDir;
    /** Per test ({@code suite · test}), in the order tests first ended. */
    private final Map<String, Ended> byTest = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<String, LongAdder> byFallback = new ConcurrentHashMap<>();
    /** Invocations that failed after retries, by what failed (the failure's first line). */
    private final Map<String, LongAdder> errorsByCause = new ConcurrentHashMap<>();
    /** Invocations aborted because their batch had not finished when the run ended. */
    private final LongAdder waitingForBatches = new LongAdder();
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
     * One invocation of {@code test} ended; {@code waitingForBatch} when it was aborted because its batch is
     * still running.
     */
    void counted(String test, Outcome outcome, boolean waitingForBatch, Completion answer, Throwable failure,
                 Supplier<String> example) {
        Ended ended = byTest.computeIfAbsent(test, t -> new Ended());
        ended.invocations.increment();
        if (outcome == Outcome.ABORTED && !waitingForBatch) {
            ended.aborted.increment();
            ended.abortedBecause(failure == null ? "no reason given" : RunProblems.firstLine(failure), example);
        }
        if (outcome == Outcome.ABORTED && waitingForBatch) {
            waitingForBatches.increment();
        }
        if (outcome == Outcome.ERROR && failure != null) {
            errorsByCause.computeIfAbsent(RunProblems.firstLine(failure), c -> new LongAdder()).increment();
        }
        if (answer != null && answer.fromFallback()) {
            byFallback.computeIfAbsent(answer.fallbackModel(), m -> new LongAdder()).increment();
        }
    }

    /**
     * Prints what the summary table does not say (answers of the fallback model, money possibly spent),
     * the analysis and the verdict, writes them, and fails when the thresholds were missed or the run has
     * problems.
     *
     * @throws AssertionError naming every threshold missed and every problem
     */
    void finish(RunSummary summary, RunProblems problems, Map<String, Double> suiteMinPassRates, EvalConfig config,
                OpenAiClient client, Origin origin, RunRecord record, String narrowed, List<String> questionsNotFound) {
        byFallback.forEach((model, n) -> System.out.println("evalunit: " + String.format(Locale.ROOT, "%,d", n.sum())
                + " invocations were answered by the fallback model " + model + " (evalunit.fallback-model), not by "
                + "their own; they are stored, reported and replayed as " + model + "'s"));
        BudgetGuard budget = client.budget();
        if (budget.possiblySpentAttempts() > 0) {
            System.out.println(String.format(Locale.ROOT, "evalunit: %,d attempts timed out on our side and may have "
                            + "been billed: $%.4f possibly spent, counted in the spend for evalunit.budget.usd",
                    budget.possiblySpentAttempts(), budget.possiblySpentUsd()));
        }
        List<Map.Entry<String, Ended>> tests;
        synchronized (byTest) {
            tests = List.copyOf(byTest.entrySet());
        }
        long ran = tests.stream().mapToLong(t -> t.getValue().invocations.sum()).sum();
        String notFound = questionsNotFound.isEmpty() ? null : ConfigKeys.QUESTION + " names "
                + (questionsNotFound.size() == 1 ? "a question" : "questions") + " no test has: "
                + String.join("; ", questionsNotFound);
        if (ran == 0 && !problems.any() && notFound != null) {
            problems.add("no benchmark invocation ran", "no benchmark invocation ran: " + notFound);
        } else if (notFound != null) {
            System.out.println("evalunit: " + notFound);
        }
        if (ran == 0 && !problems.any()) {
            problems.add("no benchmark invocation ran", "no benchmark invocation ran: nothing was asked of "
                    + origin + ", so there is no result; check -Dsuite, -Devalunit.question, -Devalunit.category and the tests' output above");
        } else if (ran > 0 && tests.stream().allMatch(t -> t.getValue().allAborted())) {
            problems.add("every invocation was aborted", "every one of the " + ran + " invocations was aborted, so "
                    + "there is no result: " + String.join("; ", tests.stream().map(t -> t.getKey() + ": "
                    + t.getValue().reasons()).toList()));
        } else {
            tests.stream().filter(t -> t.getValue().allAborted()).forEach(t -> problems.add("every invocation of "
                    + t.getKey() + " was aborted", "every one of the " + t.getValue().invocations.sum()
                    + " invocations of " + t.getKey() + " was aborted, so it has no result (the other tests' results "
                    + "are not its): " + t.getValue().reasons()));
        }
        long waiting = waitingForBatches.sum();
        if (waiting > 0) {
            problems.add(String.format(Locale.ROOT, "%,d invocations wait for their batch", waiting), String.format(
                    Locale.ROOT, "%,d invocations have no answer yet: their batch was still running when the run "
                            + "ended (evalunit.batch.wait=false, or its deadline); run the same command again to "
                            + "collect them. Until then this run is not a result", waiting));
        }
        List<String> reasons = new ArrayList<>();
        problems.all().forEach(p -> reasons.add(p.summary()));
        String errors = errors();
        if (!errors.isEmpty()) {
            System.out.println("evalunit: " + errors);
        }
        boolean passed = !problems.any();
        if (!summary.figures().isEmpty()) {
            BuildOutcome.Verdict scored = scores.judge(summary, suiteMinPassRates, config, record, waitingForBatches.sum() > 0);
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
        verdict.write(resultsDir.resolve(BuildOutcome.VERDICT_FILE));
        verdict.write(record.directory().resolve(BuildOutcome.VERDICT_FILE));
        String notFull = narrowed != null ? narrowed : problems.any() ? "the run had problems: "
                + String.join("; ", problems.all().stream().map(RunProblems.Problem::summary).toList()) : null;
        record.end(false, notFull, new RunManifest.Verdict(passed, verdict.reason()));
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
        BuildOutcome.Verdict verdict = new BuildOutcome.Verdict(true, reason);
        verdict.write(resultsDir.resolve(BuildOutcome.VERDICT_FILE));
        verdict.write(record.directory().resolve(BuildOutcome.VERDICT_FILE));
        record.end(false, "a dry run: nothing was sent", new RunManifest.Verdict(true, reason));
        System.out.println("evalunit: " + reason);
    }

    /**
     * The invocations that failed after retries and why, the most common cause first, e.g. {@code 180
     * invocations failed after retries: 180 × connection from the Batch API after 6 attempts: ConnectException:
     * Failed to connect to /127.0.0.1:9}; empty when none did.
     */
    private String errors() {
        List<Map.Entry<String, Long>> causes = new ArrayList<>();
        errorsByCause.forEach((cause, n) -> causes.add(Map.entry(cause, n.sum())));
        if (causes.isEmpty()) {
            return "";
        }
        causes.sort(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        long total = causes.stream().mapToLong(Map.Entry::getValue).sum();
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%,d invocation%s failed after retries: ",
                total, total == 1 ? "" : "s"));
        int shown = Math.min(3, causes.size());
        for (int i = 0; i < shown; i++) {
            out.append(i == 0 ? "" : "; ").append(String.format(Locale.ROOT, "%,d × ", causes.get(i).getValue()))
                    .append(causes.get(i).getKey());
        }
        if (causes.size() > shown) {
            out.append("; ").append(causes.size() - shown).append(" other causes (in the Allure results)");
        }
        return out.toString();
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

    /** The invocations of one test that ended, and those of them aborted (not waiting for a batch) and why. */
    private static final class Ended {
        final LongAdder invocations = new LongAdder();
        final LongAdder aborted = new LongAdder();
        /** Why invocations were aborted: how many for each reason, and the first one's example. */
        private final Map<String, LongAdder> because = new ConcurrentHashMap<>();
        private final Map<String, String> examples = new ConcurrentHashMap<>();

        void abortedBecause(String reason, Supplier<String> example) {
            because.computeIfAbsent(reason, r -> new LongAdder()).increment();
            examples.computeIfAbsent(reason, r -> example.get());
        }

        /**
         * The commonest reasons, each with its count and one example, e.g. {@code 12 × Assumption failed: the
         * judge's reply has no verdict (e.g. tqa-0003 at T=0.5: answered "..."; judge "Maybe")}.
         */
        String reasons() {
            List<Map.Entry<String, Long>> counted = new ArrayList<>();
            because.forEach((reason, n) -> counted.add(Map.entry(reason, n.sum())));
            counted.sort(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
            List<String> shown = counted.stream().limit(3).map(e -> String.format(Locale.ROOT, "%,d × %s (e.g. %s)",
                    e.getValue(), e.getKey(), examples.get(e.getKey()))).toList();
            return String.join("; ", shown) + (counted.size() > 3 ? "; " + (counted.size() - 3)
                    + " other reasons (in the run's results.csv)" : "");
        }

        boolean allAborted() {
            long n = invocations.sum();
            return n > 0 && aborted.sum() == n;
        }
    }
}
