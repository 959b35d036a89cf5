package dev.evalunit.internal.run;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.evalunit.ChatRequest;
import dev.evalunit.Completion;
import dev.evalunit.LlmClient;
import dev.evalunit.internal.checkpoint.InvocationKey;
import dev.evalunit.internal.report.allure.InvocationReport;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apiguardian.api.API;

/**
 * The shared client as one invocation's body sees it: every call it makes (a hand-written test's
 * question, a judge's verdict) is a later stage of the invocation, checkpointed under its own key, so a
 * resumed run replays it instead of paying for it again. A stage is named by its request and how many
 * identical requests the invocation made before it ({@code call <hash>#<n>}), so calls made concurrently
 * or in another order still find their answers. Each call, once it ends, is kept for the invocation's
 * report. Closing it does nothing: the run owns the client. Thread-safe.
 */
@API(status = INTERNAL, since = "0.1")
public final class StageClient implements LlmClient {

    private final StageAnswers answers;
    /** The model of a call that names none: the run's default. */
    private final String defaultModel;
    private final PlannedInvocation invocation;
    private final Map<String, AtomicInteger> occurrences = new ConcurrentHashMap<>();
    private final List<InvocationReport.Call> calls = new CopyOnWriteArrayList<>();

    StageClient(StageAnswers answers, String defaultModel, PlannedInvocation invocation) {
        this.answers = answers;
        this.defaultModel = defaultModel;
        this.invocation = invocation;
    }

    @Override
    public CompletableFuture<Completion> generateAsync(ChatRequest request) {
        if (answers.interrupted()) {
            return CompletableFuture.failedFuture(new RunInterruptedException());
        }
        String model = request.model() != null ? request.model() : defaultModel;
        String hash = InvocationKey.hash(request, model);
        int occurrence = occurrences.computeIfAbsent(hash, h -> new AtomicInteger()).incrementAndGet();
        PlannedInvocation.Stage stage = invocation.stage(stageName(hash, occurrence), request, model, hash);
        long start = System.currentTimeMillis();
        return answers.answerOfCall(invocation.suite(), request, stage.key()).handle((answered, e) -> {
            Throwable failure = e instanceof CompletionException ce && ce.getCause() != null ? ce.getCause() : e;
            boolean replayed = answered != null && answered.answer().replayed();
            Completion c = answered == null ? null : answered.answer().completion();
            calls.add(new InvocationReport.Call(request, model, c, failure, replayed, start,
                    replayed ? start : System.currentTimeMillis()));
            if (failure != null) {
                throw failure instanceof RuntimeException r ? r : new CompletionException(failure);
            }
            return c;
        });
    }

    /** The stage of the {@code occurrence}-th call of the request hashed {@code hash}: {@code call <hash>#<n>}. */
    static String stageName(String hash, int occurrence) {
        return "call " + hash + "#" + occurrence;
    }

    /** The calls made so far, in the order they ended. */
    public List<InvocationReport.Call> calls() {
        return List.copyOf(calls);
    }

    @Override
    public void close() {
        // the run's client outlives every invocation
    }
}
