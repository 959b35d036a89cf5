package dev.evalunit.internal.run;

import dev.evalunit.ChatRequest;
import dev.evalunit.Completion;
import dev.evalunit.Priority;
import dev.evalunit.internal.checkpoint.AnswerKey;
import dev.evalunit.internal.checkpoint.InvocationKey;
import dev.evalunit.internal.run.RunEngine.Answered;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The answer of one stage of an invocation (its prompt, a follow-up, a call its body made), taken from the first
 * place that has it: the batch line that asks its request, the checkpoint, the same request another invocation of
 * this run is asking (so it is sent once), or the client, whose answer is appended to the checkpoint before anyone
 * sees it. Nothing is sent once Ctrl-C stopped the run, nor in a dry run. Thread-safe.
 */
final class StageAnswers {

    private final SuiteStates states;
    private final Batches batches;
    private final Sender sender;
    private final SharedSamples sharedSamples;
    /** Whether Ctrl-C (or SIGTERM) has stopped the run. */
    private final BooleanSupplier interrupted;
    /** {@code evalunit.dry-run}: nothing is sent. */
    private final boolean dryRun;
    /** Requests being sent, by suite, request and draw: an identical request of another invocation waits for it. */
    private final Map<Asked, CompletableFuture<Completion>> asking = new ConcurrentHashMap<>();

    StageAnswers(SuiteStates states, Batches batches, Sender sender, BooleanSupplier interrupted, boolean dryRun) {
        this.states = states;
        this.batches = batches;
        this.sender = sender;
        this.sharedSamples = new SharedSamples(states, batches, sender);
        this.interrupted = interrupted;
        this.dryRun = dryRun;
    }

    /** Whether Ctrl-C (or SIGTERM) has stopped the run: a stage asked for now fails. */
    boolean interrupted() {
        return interrupted.getAsBoolean();
    }

    /**
     * The answer of an invocation's prompt: collected from its batch, replayed when the checkpoint has one
     * for exactly this request, or sent (and appended to the checkpoint before anyone sees it).
     */
    CompletableFuture<Answered> answer(PlannedInvocation invocation, Priority priority) {
        if (interrupted()) {
            return CompletableFuture.failedFuture(new RunInterruptedException());
        }
        if (dryRun) {
            return CompletableFuture.failedFuture(new DryRunException());
        }
        ChatRequest request = invocation.request().priority(priority);
        InvocationKey key = invocation.key();
        if (invocation.sharedBy() > 1) {
            return sharedSamples.answer(invocation, request);
        }
        return answerOf(invocation.suite(), request, key, () -> states.stored(key));
    }

    /** The answer of a call an invocation's body made through its client: as {@link #answerOf}, never from a batch. */
    CompletableFuture<Answered> answerOfCall(String suite, ChatRequest request, InvocationKey key) {
        if (dryRun) {
            return CompletableFuture.failedFuture(new DryRunException());
        }
        return answerOf(suite, request, key, () -> states.stored(key));
    }

    /**
     * The answer of one stage: from the batch that holds it (checkpointed when it came), the checkpoint
     * ({@code stored}), the same request another invocation of this run is asking (it is sent once), or the
     * client (appended to the checkpoint before anyone sees it). An answer another invocation paid for counts as
     * replayed here.
     */
    CompletableFuture<Answered> answerOf(String suite, ChatRequest request, InvocationKey key,
                                         Supplier<Optional<Completion>> stored) {
        Optional<Batches.Routed> batched = batches.answer(suite, key);
        if (batched.isPresent()) {
            boolean shared = batched.get().shared();
            return batched.get().delivery().thenApply(d -> Answered.of(request, d.completion(), d.batchId(), shared));
        }
        Optional<Completion> replayed = stored.get();
        if (replayed.isPresent()) {
            return CompletableFuture.completedFuture(Answered.of(request, replayed.get(), null, true));
        }
        Asked asked = new Asked(suite, key.answerKey());
        CompletableFuture<Completion> mine = new CompletableFuture<>();
        CompletableFuture<Completion> earlier = asking.putIfAbsent(asked, mine);
        if (earlier != null) {
            // another invocation of this run asks it: sent once
            return earlier.thenApply(c -> Answered.of(request, c, null, true));
        }
        replayed = stored.get(); // stored between the first look and now, by an invocation that asked it
        if (replayed.isPresent()) {
            asking.remove(asked, mine);
            mine.complete(replayed.get());
            return CompletableFuture.completedFuture(Answered.of(request, replayed.get(), null, true));
        }
        CompletableFuture<Completion> sent;
        try {
            sent = sender.send(request, key);
        } catch (RuntimeException e) {
            asking.remove(asked, mine);
            mine.completeExceptionally(e);
            throw e;
        }
        sent.whenComplete((c, e) -> {
            asking.remove(asked, mine); // stored by now: later askers replay it
            if (e != null) {
                mine.completeExceptionally(e);
            } else {
                mine.complete(c);
            }
        });
        return sent.thenApply(c -> Answered.of(request, c, null, false));
    }

    /** A request and draw being asked in a suite: what identical requests of one run wait for instead of sending. */
    record Asked(String suite, AnswerKey key) {
    }
}
