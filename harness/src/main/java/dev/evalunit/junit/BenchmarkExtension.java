package dev.evalunit.junit;

import dev.evalunit.Answer;
import dev.evalunit.Completion;
import dev.evalunit.LlmClient;
import dev.evalunit.LlmException;
import dev.evalunit.NotSentException;
import dev.evalunit.Scorecard;
import dev.evalunit.Temperature;
import dev.evalunit.config.EvalConfig;
import dev.evalunit.internal.checkpoint.CheckpointException;
import dev.evalunit.internal.report.InvocationResult;
import dev.evalunit.internal.report.allure.InvocationReport;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.BeforeTestExecutionCallback;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContextProvider;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.engine.UniqueId;
import org.opentest4j.TestAbortedException;

/**
 * The JUnit extension behind {@code @BenchmarkSuite} and {@code @BenchmarkTest}: plans each
 * benchmark test's invocations, keeps their requests in flight ahead of JUnit, and resolves the
 * parameters of test methods (the row, {@link Temperature}, the sample number, the {@link Answer}
 * or {@link Completion}, and the shared {@link LlmClient}). Internal: users reach it through the
 * annotations only.
 */
public final class BenchmarkExtension implements TestTemplateInvocationContextProvider, ParameterResolver {

    @Override
    public boolean supportsTestTemplate(ExtensionContext context) {
        return context.getTestMethod().map(m -> AnnotationSupport.isAnnotated(m, dev.evalunit.BenchmarkTest.class))
                .orElse(false);
    }

    @Override
    public Stream<TestTemplateInvocationContext> provideTestTemplateInvocationContexts(ExtensionContext context) {
        Class<?> testClass = context.getRequiredTestClass();
        Method method = context.getRequiredTestMethod();
        BenchmarkRun run = BenchmarkRun.of(context);
        String test = testClass.getSimpleName() + "." + method.getName();
        UniqueId template = UniqueId.parse(context.getUniqueId());
        BenchmarkPlan plan;
        long planned;
        Set<Integer> selected = Selections.selected(template, testClass, method.getName());
        try {
            plan = BenchmarkPlan.of(testClass, method, run.config().defaultModel(), run.onlyQuestions(), run.config());
            run.start(plan, template, selected);
            planned = selected.isEmpty() ? plan.invocations().count() : selected.size();
        } catch (RuntimeException unplanned) {
            throw run.unplanned(test, unplanned);
        }
        run.planned(plan, planned);
        Prefetcher prefetcher = new Prefetcher(plan, selected, run.lookAhead(), run.client(), run);
        Spliterator<TestTemplateInvocationContext> invocations = Spliterators.spliteratorUnknownSize(
                new java.util.Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return prefetcher.hasNext();
                    }

                    @Override
                    public TestTemplateInvocationContext next() {
                        return new BenchmarkInvocationContext(prefetcher.next(), prefetcher, plan, run);
                    }
                }, Spliterator.ORDERED);
        return StreamSupport.stream(invocations, false);
    }

    @Override
    public boolean mayReturnZeroTestTemplateInvocationContexts(ExtensionContext context) {
        return true; // -Devalunit.question may leave a test with no row
    }

    // The shared client for methods outside benchmark invocations (@BeforeAll, plain @Test); inside
    // one, the invocation's own resolver hands out a client whose calls are checkpointed.
    // The run's configuration, for any method: a judge's model, a dataset's directory.
    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == EvalConfig.class || type == LlmClient.class && context.getTestMethod()
                .map(m -> !AnnotationSupport.isAnnotated(m, dev.evalunit.BenchmarkTest.class)).orElse(true);
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        BenchmarkRun run = BenchmarkRun.of(context);
        return parameter.getParameter().getType() == EvalConfig.class ? run.config() : new SharedClient(run.client());
    }

    /** The run's client, which a test may not close. */
    private record SharedClient(LlmClient client) implements LlmClient {
        @Override
        public CompletableFuture<Completion> generateAsync(dev.evalunit.ChatRequest request) {
            return client.generateAsync(request);
        }

        @Override
        public void close() {
            // the run closes it when every suite is done
        }
    }

    /** One invocation: its display name and the parameters only it can resolve. */
    private record BenchmarkInvocationContext(Invocation invocation, Prefetcher prefetcher, BenchmarkPlan plan,
                                              BenchmarkRun run) implements TestTemplateInvocationContext {

        @Override
        public String getDisplayName(int invocationIndex) {
            return invocation.displayName();
        }

        @Override
        public List<Extension> getAdditionalExtensions() {
            return List.of(new InvocationParameters(invocation, prefetcher, plan, run));
        }
    }

    /**
     * Resolves an invocation's own parameters. The answer is awaited before the test method runs
     * (before its parameters are resolved), so a request that failed for good fails the invocation
     * with the client's own exception, an error rather than a wrong answer.
     */
    private static final class InvocationParameters implements ParameterResolver, BeforeEachCallback,
            BeforeTestExecutionCallback, TestWatcher, TestExecutionExceptionHandler {
        private final Invocation invocation;
        private final Prefetcher prefetcher;
        private final BenchmarkPlan plan;
        private final BenchmarkRun run;
        private Answer answer;
        private String batchId;
        private final Scorecard scorecard = new Scorecard();
        private final List<InvocationReport.Call> calls = new CopyOnWriteArrayList<>();
        private long startMillis = System.currentTimeMillis();

        InvocationParameters(Invocation invocation, Prefetcher prefetcher, BenchmarkPlan plan, BenchmarkRun run) {
            this.invocation = invocation;
            this.prefetcher = prefetcher;
            this.plan = plan;
            this.run = run;
        }

        // The outcome table of DESIGN.md: a wrong answer fails, a request that failed for good errs.
        @Override
        public void testSuccessful(ExtensionContext context) {
            finished(context, InvocationResult.Outcome.PASSED, null);
        }

        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            finished(context, cause instanceof LlmException ? InvocationResult.Outcome.ERROR
                    : InvocationResult.Outcome.FAILED, cause);
        }

        @Override
        public void testAborted(ExtensionContext context, Throwable cause) {
            if (cause instanceof BatchWaitingException waiting) {
                batchId = waiting.batchId();
            }
            finished(context, InvocationResult.Outcome.ABORTED, cause);
        }

        private void finished(ExtensionContext context, InvocationResult.Outcome outcome, Throwable cause) {
            long stopMillis = System.currentTimeMillis();
            // The model that answered: the fallback's name when it stood in for the request's own.
            String model = answer != null && answer.completion().fromFallback() ? answer.completion().fallbackModel()
                    : invocation.request() != null ? invocation.request().model() : plan.model();
            run.finished(plan, invocation, outcome, answer, scorecard, cause instanceof BatchWaitingException,
                    result -> new InvocationReport(result,
                    invocation.displayName(), context.getRequiredTestClass().getName(),
                    context.getRequiredTestMethod().getName(), model,
                    invocation.questionText(), invocation.request(), answer == null ? null : answer.completion(), cause,
                    batchId, calls, startMillis, stopMillis));
        }

        @Override
        public void beforeEach(ExtensionContext context) {
            startMillis = System.currentTimeMillis();
        }

        @Override
        public void beforeTestExecution(ExtensionContext context) {
            if (invocation.request() != null) {
                answer();
            }
        }

        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            Class<?> type = parameter.getParameter().getType();
            if (type == LlmClient.class || type == Scorecard.class) {
                return true;
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
                return new InvocationClient(run, plan, invocation, calls::add);
            }
            if (type == Scorecard.class) {
                return scorecard;
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
                answer = await(prefetcher.take(invocation));
                batchId = run.batchOf(plan, invocation).orElse(null);
            }
            return answer;
        }

        private Answer await(CompletableFuture<Answer> future) {
            try {
                return future.get();
            } catch (ExecutionException e) {
                Throwable cause = e.getCause() instanceof CompletionException c && c.getCause() != null
                        ? c.getCause() : e.getCause();
                if (run.interrupted() && !(cause instanceof CheckpointException)) {
                    throw new RunInterruptedException();
                }
                if (cause instanceof NotSentException notSent) {
                    throw notAsked(notSent);
                }
                if (cause instanceof dev.evalunit.internal.batch.BatchPendingException pending) {
                    // the next run collects it
                    throw new BatchWaitingException(pending.getMessage(), pending.status().batchId());
                }
                if (cause instanceof RuntimeException | cause instanceof Error) {
                    // LlmException: the request failed after retries, so the invocation errs; anything
                    // else (a checkpoint that cannot be written) is reported as itself.
                    throw sneaky(cause);
                }
                throw new ParameterResolutionException("the answer of " + plan.test() + " " + invocation.displayName()
                        + " could not be obtained: " + cause, cause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RunInterruptedException();
            }
        }

        /**
         * A request the body made through its client was not sent, because the run stopped sending to its
         * model: the invocation asked nothing, so it is aborted, not an error of the model or the test.
         */
        @Override
        public void handleTestExecutionException(ExtensionContext context, Throwable thrown) throws Throwable {
            for (Throwable t = thrown; t != null; t = t.getCause()) {
                if (t instanceof NotSentException notSent) {
                    throw notAsked(notSent);
                }
            }
            throw thrown;
        }

        private static TestAbortedException notAsked(NotSentException notSent) {
            return new TestAbortedException(notSent.getMessage(), notSent);
        }

        private static RuntimeException sneaky(Throwable t) {
            if (t instanceof Error error) {
                throw error;
            }
            return (RuntimeException) t;
        }
    }
}
