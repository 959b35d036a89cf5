package dev.evalunit.junit;

import dev.evalunit.Answer;
import dev.evalunit.Completion;
import dev.evalunit.FollowUp;
import dev.evalunit.LlmClient;
import dev.evalunit.LlmException;
import dev.evalunit.NotSentException;
import dev.evalunit.Scorecard;
import dev.evalunit.Temperature;
import dev.evalunit.internal.batch.BatchPendingException;
import dev.evalunit.internal.checkpoint.CheckpointException;
import dev.evalunit.internal.report.InvocationResult;
import dev.evalunit.internal.report.allure.InvocationReport;
import dev.evalunit.internal.run.Lookahead;
import dev.evalunit.internal.run.PlannedInvocation;
import dev.evalunit.internal.run.RunEngine;
import dev.evalunit.internal.run.DryRunException;
import dev.evalunit.internal.run.RunInterruptedException;
import dev.evalunit.internal.run.StageClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.BeforeTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestWatcher;
import org.opentest4j.TestAbortedException;

/**
 * One invocation as JUnit runs it: resolves its parameters (the row, {@link Temperature}, the sample
 * number, the {@link Answer} or {@link Completion}, the {@link Scorecard}, its {@link LlmClient}), and
 * tells the engine how it ended. The answer is awaited before the test method runs (before its
 * parameters are resolved), so a request that failed for good fails the invocation with the client's
 * own exception, an error rather than a wrong answer; the engine's own reasons not to answer (Ctrl-C, a
 * batch still running, a request that was not sent) abort it.
 */
final class InvocationParameters implements ParameterResolver, BeforeEachCallback, BeforeTestExecutionCallback,
        TestWatcher, TestExecutionExceptionHandler {

    private final RunEngine engine;
    private final Lookahead lookahead;
    private final String model;
    private PlannedInvocation invocation;
    private final StageClient client;
    private final Scorecard scorecard = new Scorecard();
    private Answer answer;
    private Map<String, Answer> followUps = Map.of();
    private long startMillis = System.currentTimeMillis();
    /** A wrong answer or a request error kept as the run's finding, not as JUnit's failure ({@code evalunit.wrong-answers=record}). */
    private final boolean recordsFindings;
    private Throwable wrongAnswer;
    private LlmException error;

    InvocationParameters(RunEngine engine, Lookahead lookahead, String model, PlannedInvocation invocation,
                         boolean recordsFindings) {
        this.engine = engine;
        this.lookahead = lookahead;
        this.model = model;
        this.invocation = invocation;
        this.client = engine.stageClient(invocation);
        this.recordsFindings = recordsFindings;
    }

    // The outcome table of DESIGN.md: a wrong answer fails, a request that failed for good errs. When the
    // run records findings, JUnit sees a wrong answer pass (it was measured) and an error skip (it has no
    // answer); the engine still counts each as what it is.
    @Override
    public void testSuccessful(ExtensionContext context) {
        finished(context, wrongAnswer == null ? InvocationResult.Outcome.PASSED : InvocationResult.Outcome.FAILED,
                wrongAnswer);
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        finished(context, cause instanceof LlmException ? InvocationResult.Outcome.ERROR
                : InvocationResult.Outcome.FAILED, cause);
    }

    @Override
    public void testAborted(ExtensionContext context, Throwable cause) {
        if (error != null) {
            finished(context, InvocationResult.Outcome.ERROR, error);
            return;
        }
        if (cause instanceof BatchWaitingException waiting && waiting.batchId() != null) {
            invocation = invocation.routed(PlannedInvocation.Route.batch(waiting.batchId()));
        }
        finished(context, InvocationResult.Outcome.ABORTED, cause);
    }

    private void finished(ExtensionContext context, InvocationResult.Outcome outcome, Throwable cause) {
        List<InvocationReport.Call> calls = new ArrayList<>();
        followUps.values().forEach(a -> calls.add(new InvocationReport.Call(a.request(), a.request().model(),
                a.completion(), null, a.replayed(), startMillis, startMillis)));
        calls.addAll(client.calls());
        engine.finished(new RunEngine.Finished(invocation, outcome, answer, scorecard, cause,
                cause instanceof BatchWaitingException, calls, followUps, context.getRequiredTestClass().getName(),
                context.getRequiredTestMethod().getName(), model, startMillis, System.currentTimeMillis()));
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        startMillis = System.currentTimeMillis();
    }

    @Override
    public void beforeTestExecution(ExtensionContext context) {
        if (invocation.request() != null) {
            try {
                answer();
            } catch (LlmException failed) {
                throw recorded(failed);
            }
        }
    }

    /** {@code failed} itself, or, when the run records findings, a skip that says the invocation has no answer. */
    private RuntimeException recorded(LlmException failed) {
        if (!recordsFindings) {
            return failed;
        }
        error = failed;
        return new TestAbortedException("no answer, counted as an error of the run: " + failed.getMessage(), failed);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        if (type == LlmClient.class || type == Scorecard.class) {
            return true;
        }
        if (parameter.isAnnotated(FollowUp.class)) {
            return (type == Answer.class || type == Completion.class) && invocation.request() != null;
        }
        if (invocation.row() != null && type.isInstance(invocation.row())) {
            return true;
        }
        return type == Temperature.class || type == double.class || type == Double.class
                || type == int.class || type == Integer.class
                || ((type == Answer.class || type == Completion.class) && invocation.request() != null);
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        if (type == LlmClient.class) {
            return client;
        }
        if (type == Scorecard.class) {
            return scorecard;
        }
        if (parameter.isAnnotated(FollowUp.class)) {
            answer();
            String name = parameter.findAnnotation(FollowUp.class).orElseThrow().value();
            Answer followUp = name.isBlank() && followUps.size() == 1 ? followUps.values().iterator().next()
                    : followUps.get(name);
            if (followUp == null) {
                throw new ParameterResolutionException("the @FollowUp(\"" + name + "\") answer of " + invocation.test()
                        + " " + invocation.displayName() + " is missing; its test has " + followUps.keySet());
            }
            return type == Answer.class ? followUp : followUp.completion();
        }
        if (invocation.row() != null && type.isInstance(invocation.row())) {
            return invocation.row();
        }
        if (type == Temperature.class) {
            return new Temperature(invocation.temperature());
        }
        if (type == double.class || type == Double.class) {
            return invocation.temperature();
        }
        if (type == int.class || type == Integer.class) {
            return invocation.sample();
        }
        Answer a = answer();
        return type == Answer.class ? a : a.completion();
    }

    private Answer answer() {
        if (answer == null) {
            RunEngine.Answered answered = await(lookahead.take(invocation));
            answer = answered.answer();
            followUps = answered.followUps();
            invocation = invocation.routed(answered.route());
        }
        return answer;
    }

    private RunEngine.Answered await(CompletableFuture<RunEngine.Answered> future) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof CompletionException c && c.getCause() != null
                    ? c.getCause() : e.getCause();
            if (engine.interrupted() && !(cause instanceof CheckpointException)) {
                throw interrupted();
            }
            RuntimeException aborted = abortion(cause);
            if (aborted != null) {
                throw aborted;
            }
            if (cause instanceof RuntimeException | cause instanceof Error) {
                // LlmException: the request failed after retries, so the invocation errs; anything
                // else (a checkpoint that cannot be written) is reported as itself.
                throw sneaky(cause);
            }
            throw new ParameterResolutionException("the answer of " + invocation.test() + " "
                    + invocation.displayName() + " could not be obtained: " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw interrupted();
        }
    }

    /**
     * A call the body made was refused for a reason of the run's, not the model's (the run stopped sending
     * to its model, or was interrupted): the invocation asked nothing, so it is aborted, not an error.
     */
    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable thrown) throws Throwable {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            RuntimeException aborted = abortion(t);
            if (aborted != null) {
                throw aborted;
            }
        }
        if (recordsFindings && thrown instanceof AssertionError) {
            wrongAnswer = thrown; // the run's finding: counted, reported, judged by the thresholds
            return;
        }
        if (thrown instanceof LlmException failed) {
            throw recorded(failed); // a call the body made failed after retries
        }
        throw thrown;
    }

    /** The JUnit abortion of one of the engine's reasons not to answer; {@code null} for any other failure. */
    private static RuntimeException abortion(Throwable cause) {
        if (cause instanceof NotSentException notSent) {
            return new TestAbortedException(notSent.getMessage(), notSent);
        }
        if (cause instanceof RunInterruptedException) {
            return interrupted();
        }
        if (cause instanceof DryRunException dry) {
            return new TestAbortedException(dry.getMessage(), dry);
        }
        if (cause instanceof BatchPendingException pending) {
            return new BatchWaitingException(pending.getMessage(), pending.status().batchId()); // the next run collects it
        }
        return null;
    }

    private static TestAbortedException interrupted() {
        return new TestAbortedException("the run was interrupted before this answer came; run the same command again "
                + "to get it");
    }

    private static RuntimeException sneaky(Throwable t) {
        if (t instanceof Error error) {
            throw error;
        }
        return (RuntimeException) t;
    }
}
