package dev.evalunit.internal.run;

import dev.evalunit.ChatRequest;
import dev.evalunit.Completion;
import dev.evalunit.internal.batch.BatchCoordinator;
import dev.evalunit.internal.checkpoint.InvocationKey;
import dev.evalunit.internal.run.RunEngine.Answered;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The answers of samples that share one request of n choices ({@code evalunit.samples.mode=choices}): a sample
 * takes its own stored line, or its choice of the request's answer, which the first of them to ask fetches (from
 * the batch that holds it, or sent once) and which stores every sample's line before anyone sees it. Another test
 * asking the same request while it is fetched takes its choice too, as a replay. Thread-safe.
 */
final class SharedSamples {

    private final SuiteStates states;
    private final Batches batches;
    private final Sender sender;
    /** The answers of requests that samples share, until the last of them asked. */
    private final Map<StageAnswers.Asked, SharedAsk> shared = new ConcurrentHashMap<>();

    SharedSamples(SuiteStates states, Batches batches, Sender sender) {
        this.states = states;
        this.batches = batches;
        this.sender = sender;
    }

    /** The answer of one of the samples that share a request of n choices, {@code request} being that request. */
    CompletableFuture<Answered> answer(PlannedInvocation invocation, ChatRequest request) {
        int samples = invocation.sharedBy();
        InvocationKey first = invocation.keyOfSample(1);
        StageAnswers.Asked group = new StageAnswers.Asked(invocation.suite(), first.answerKey());
        String owner = invocation.test() + '\u0000' + first.id();
        SharedAsk ask = shared.get(group);
        try {
            // A sample whose request this run already asked takes its choice of that answer (its line may be stored
            // by now, but it was not replayed from an earlier run); otherwise its own stored line is replayed.
            Optional<Completion> stored = ask != null ? Optional.empty() : states.stored(invocation.key());
            if (stored.isPresent()) {
                return CompletableFuture.completedFuture(Answered.of(request, stored.get(), null, true));
            }
            int choice = invocation.sample() - 1;
            SharedAsk asking = shared.computeIfAbsent(group,
                    g -> new SharedAsk(owner, fetch(invocation, request, first)));
            boolean reused = !asking.owner().equals(owner);
            return asking.answer().thenApply(d -> Answered.of(request, d.completion().share(choice, samples),
                    d.batchId(), reused));
        } finally {
            if (invocation.sample() == samples) {
                // the samples are asked in order: the owner's last one lets go of the request
                shared.computeIfPresent(group, (g, a) -> a.owner().equals(owner) ? null : a);
            }
        }
    }

    /** The request of n choices the samples of one question share, and which test's samples asked it first. */
    private record SharedAsk(String owner, CompletableFuture<BatchCoordinator.Delivered> answer) {
    }

    private CompletableFuture<BatchCoordinator.Delivered> fetch(PlannedInvocation invocation, ChatRequest request,
                                                                InvocationKey first) {
        Optional<Batches.Routed> batched = batches.answer(invocation.suite(), first);
        if (batched.isPresent()) {
            return batched.get().delivery(); // its sink stored every sample's line
        }
        return sender.sendShared(request, first, invocation.sharedBy())
                .thenApply(c -> new BatchCoordinator.Delivered(c, null));
    }
}
