package dev.evalunit.junit;

import dev.evalunit.Answer;
import dev.evalunit.ChatRequest;
import dev.evalunit.Completion;
import dev.evalunit.LlmClient;
import dev.evalunit.Temperature;
import dev.evalunit.config.EvalConfig;
import dev.evalunit.internal.run.Lookahead;
import dev.evalunit.internal.run.PlannedInvocation;
import dev.evalunit.internal.run.RunEngine;
import java.lang.reflect.Method;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContextProvider;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.engine.UniqueId;

/**
 * The JUnit extension behind {@code @BenchmarkSuite} and {@code @BenchmarkTest}: plans each
 * benchmark test's invocations, keeps their requests in flight ahead of JUnit, and resolves the
 * parameters of test methods (the row, {@link Temperature}, the sample number, the {@link Answer}
 * or {@link Completion}, and the shared {@link LlmClient}). Internal: users reach it through the
 * annotations only.
 */
final class BenchmarkExtension implements TestTemplateInvocationContextProvider, ParameterResolver {

    @Override
    public boolean supportsTestTemplate(ExtensionContext context) {
        return context.getTestMethod().map(m -> AnnotationSupport.isAnnotated(m, BenchmarkTest.class))
                .orElse(false);
    }

    @Override
    public Stream<TestTemplateInvocationContext> provideTestTemplateInvocationContexts(ExtensionContext context) {
        Class<?> testClass = context.getRequiredTestClass();
        Method method = context.getRequiredTestMethod();
        RunEngine engine = RunStart.of(context);
        UniqueId template = UniqueId.parse(context.getUniqueId());
        Set<Integer> selected = RunSession.of(context).selected(template, testClass, method.getName());
        Lookahead lookahead;
        String model;
        boolean recordsWrongAnswers;
        try {
            recordsWrongAnswers = SuiteFilter.recordsWrongAnswers(engine.config());
            BenchmarkPlan plan = BenchmarkPlan.of(testClass, method, engine.config().defaultModel(),
                    engine.rows(), engine.config());
            model = plan.model();
            lookahead = engine.start(plan, template.toString(), selected);
        } catch (RuntimeException unplanned) {
            throw engine.unplanned(testClass.getSimpleName() + "." + method.getName(), unplanned);
        }
        Spliterator<TestTemplateInvocationContext> invocations = Spliterators.spliteratorUnknownSize(
                new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return lookahead.hasNext();
                    }

                    @Override
                    public TestTemplateInvocationContext next() {
                        PlannedInvocation invocation = lookahead.next();
                        return new TestTemplateInvocationContext() {
                            @Override
                            public String getDisplayName(int invocationIndex) {
                                return invocation.displayName();
                            }

                            @Override
                            public List<Extension> getAdditionalExtensions() {
                                return List.of(new InvocationParameters(engine, lookahead, model, invocation,
                                        recordsWrongAnswers));
                            }
                        };
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
                .map(m -> !AnnotationSupport.isAnnotated(m, BenchmarkTest.class)).orElse(true);
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        RunEngine engine = RunStart.of(context);
        return parameter.getParameter().getType() == EvalConfig.class ? engine.config() : new SharedClient(engine.client());
    }

    /** The run's client, which a test may not close. */
    private record SharedClient(LlmClient client) implements LlmClient {
        @Override
        public CompletableFuture<Completion> generateAsync(ChatRequest request) {
            return client.generateAsync(request);
        }

        @Override
        public void close() {
            // the run closes it when every suite is done
        }
    }
}
