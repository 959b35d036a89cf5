package dev.evalunit.internal.run;

import dev.evalunit.Answer;
import dev.evalunit.Completion;
import dev.evalunit.QuestionRow;
import dev.evalunit.client.ClientMetrics;
import dev.evalunit.internal.client.ThrottledClient;
import dev.evalunit.config.EvalConfig;
import dev.evalunit.internal.checkpoint.Origin;
import dev.evalunit.internal.report.InvocationResult;
import dev.evalunit.internal.report.ProgressReporter;
import dev.evalunit.internal.report.RunSummary;
import dev.evalunit.internal.report.allure.AllureReport;
import dev.evalunit.internal.report.allure.InvocationReport;
import dev.evalunit.internal.runs.RunRecord;
import dev.evalunit.internal.client.Redactor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * What a run reports of its invocations: as each finishes, the summary table's figures, the counts the verdict
 * reads ({@link InvocationCounts}), the progress line, a line of the run's record and its Allure result, all from
 * the one {@link RunEngine.Finished}; at the end the score table, and the verdict, which {@link RunEnd} writes.
 * Thread-safe: tests may finish in parallel.
 */
final class RunReports {

    private final RunSummary summary;
    private final InvocationCounts counts = new InvocationCounts();
    /** Each suite's lowest pass rate its tests accept, the highest of them: the suite's threshold unless one is set. */
    private final Map<String, Double> suiteMinPassRates = new ConcurrentHashMap<>();
    private final RunEnd end;
    private final RunRecord record;
    private final ProgressReporter progress;
    private final AllureReport allure;
    private final Redactor redactor;
    private final Origin origin;

    /** @param models the models the run compares ({@code evalunit.models}), whose order its tables follow */
    RunReports(RunEnd end, RunRecord record, ProgressReporter progress, AllureReport allure, Redactor redactor,
               Origin origin, List<String> models) {
        this.summary = new RunSummary(models);
        this.end = end;
        this.record = record;
        this.progress = progress;
        this.allure = allure;
        this.redactor = redactor;
        this.origin = origin;
    }

    /** A test starts with {@code invocations} selected: its threshold and metrics are noted, its invocations counted. */
    void started(PlannedTest test, long invocations) {
        suiteMinPassRates.merge(test.suite(), test.minPassRate(), Math::max);
        summary.analysis().metrics(test.suite(), test.test(), test.metrics());
        progress.addTotal(invocations);
    }

    /** One invocation finished: counted for the summary, the progress line and the verdict, and reported. */
    void finished(RunEngine.Finished f) {
        PlannedInvocation invocation = f.invocation();
        Answer answer = f.answer();
        Completion c = answer == null ? null : answer.completion();
        String category = invocation.row() instanceof QuestionRow q ? q.category() : null;
        // What the invocation spent in this run: its answer and every follow-up and body call that was not replayed
        // (tokens as cost: a replayed run spends none, its judges' tokens as little as its answers')
        boolean spent = c != null && !answer.replayed();
        long promptTokens = spent ? c.promptTokens() : 0;
        long completionTokens = spent ? c.completionTokens() : 0;
        double cost = spent ? c.costUsd() : 0;
        for (InvocationReport.Call call : f.calls()) {
            if (call.completion() != null && !call.replayed()) {
                promptTokens += call.completion().promptTokens();
                completionTokens += call.completion().completionTokens();
                cost += call.completion().costUsd();
            }
        }
        InvocationResult result = new InvocationResult(invocation.suite(), invocation.test(),
                invocation.questionId() == null ? "-" : invocation.questionId(), invocation.temperature(),
                invocation.sample(), f.outcome(), c == null ? null : c.text(), promptTokens, completionTokens, cost,
                c == null ? Duration.ZERO : c.latency(), category, answer != null && answer.replayed(),
                f.card().label().orElse(null), f.card().scores(), invocation.comparedModel());
        summary.add(result);
        counts.counted(invocation.suite() + " · " + invocation.test(), f.outcome(), f.waitingForBatch(), c, f.failure(),
                () -> InvocationRecords.example(f, result, redactor));
        progress.step(result, invocation.route() != null && invocation.route().kind() == PlannedInvocation.Route.Kind.BATCH);
        PlannedInvocation.Route route = invocation.route();
        // The model that answered: the fallback's name when it stood in for the request's own.
        String model = c != null && c.fromFallback() ? c.fallbackModel()
                : invocation.request() != null ? invocation.request().model() : f.testModel();
        record.add(InvocationRecords.of(f, result, model, origin, redactor), invocation.questionText());
        if (allure.enabled()) {
            allure.write(new InvocationReport(result, invocation.displayName(), f.testClass(), f.testMethod(), model,
                    invocation.questionText(), invocation.request(), c, f.failure(),
                    route == null ? null : route.batchId(), f.calls(), f.startMillis(), f.stopMillis()));
        }
    }

    /** Ctrl-C: the progress line stops and the record ends as interrupted, with no verdict. */
    void interrupted() {
        progress.close();
        record.end(true, null, null);
    }

    /** The run's invocations are over: the progress line stops and the Allure results are complete. */
    void close() {
        progress.close();
        allure.close();
    }

    /**
     * Prints the score table, with the client's figures, where each suite's answers are stored and what batching
     * did ({@code batched}, empty when nothing was); nothing when no invocation finished.
     */
    void printSummary(ClientMetrics.Snapshot metrics, Map<String, Path> checkpointDirs, Supplier<String> batched) {
        if (!summary.figures().isEmpty()) {
            System.out.println(summary.render(metrics, checkpointDirs, allure.directory()));
            String batches = batched.get();
            if (!batches.isEmpty()) {
                System.out.print(batches);
            }
        }
    }

    /**
     * Judges the run and writes its verdict ({@link RunEnd#finish}).
     *
     * @throws AssertionError naming every threshold missed and every problem
     */
    void finish(RunProblems problems, EvalConfig config, ThrottledClient client, String narrowed,
                List<String> questionsNotFound) {
        end.finish(summary, counts, problems, suiteMinPassRates, config, client, origin, record, narrowed,
                questionsNotFound);
    }

    /** Writes the verdict of a dry run, from what it {@code estimates} ({@link RunEnd#dryRun}). */
    void dryRun(List<RunEstimate> estimates) {
        end.dryRun(record, estimates);
    }
}
