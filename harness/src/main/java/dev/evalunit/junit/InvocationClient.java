package dev.evalunit.junit;

import dev.evalunit.ChatRequest;
import dev.evalunit.Completion;
import dev.evalunit.LlmClient;
import dev.evalunit.internal.checkpoint.CheckpointStore;
import dev.evalunit.internal.checkpoint.InvocationKey;
import dev.evalunit.internal.report.allure.InvocationReport;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The shared client as one benchmark invocation sees it: every call it makes (a hand-written test's
 * question, a judge's verdict) is checkpointed with the invocation, so a resumed run replays it
 * instead of paying for it again. A call is known by its request and how many identical requests
 * the invocation made before it, so calls made concurrently or in another order still find their
 * answers. Each call, once it ends, is told to a listener (the invocation's report shows them). Closing
 * it does nothing: the run owns the client. Thread-safe.
 */
final class InvocationClient implements LlmClient {

    private final BenchmarkRun run;
    private final BenchmarkPlan plan;
    private final Invocation invocation;
    private final Map<String, AtomicInteger> occurrences = new ConcurrentHashMap<>();
    private final Consumer<InvocationReport.Call> calls;

    InvocationClient(BenchmarkRun run, BenchmarkPlan plan, Invocation invocation, Consumer<InvocationReport.Call> calls) {
        this.run = run;
        this.plan = plan;
        this.invocation = invocation;
        this.calls = calls;
    }

    @Override
    public CompletableFuture<Completion> generateAsync(ChatRequest request) {
        if (run.interrupted()) {
            return CompletableFuture.failedFuture(new RunInterruptedException());
        }
        String model = request.model() != null ? request.model() : run.config().defaultModel();
        String hash = InvocationKey.hash(request, model);
        int occurrence = occurrences.computeIfAbsent(hash, h -> new AtomicInteger()).incrementAndGet();
        InvocationKey key = InvocationKey.of(plan.suite(), plan.test() + " call " + hash + "#" + occurrence,
                invocation.questionId() == null ? "" : invocation.questionId(), invocation.temperature(),
                invocation.sample(), request, model);
        CheckpointStore store = run.checkpoint(plan.suite());
        long start = System.currentTimeMillis();
        Optional<Completion> stored = run.stored(store, key);
        if (stored.isPresent()) {
            calls.accept(new InvocationReport.Call(request, model, stored.get(), null, true, start, start));
            return CompletableFuture.completedFuture(stored.get());
        }
        return run.sendAndStore(run.client(), request, store, key).whenComplete((c, e) -> calls.accept(
                new InvocationReport.Call(request, model, c, e instanceof CompletionException ce && ce.getCause() != null
                        ? ce.getCause() : e, false, start, System.currentTimeMillis())));
    }

    @Override
    public void close() {
        // the run's client outlives every invocation
    }
}
