package dev.evalunit.internal.run;

import dev.evalunit.ChatRequest;
import dev.evalunit.Completion;
import dev.evalunit.ErrorKind;
import dev.evalunit.LlmClient;
import dev.evalunit.LlmException;
import dev.evalunit.internal.checkpoint.CheckpointStore;
import dev.evalunit.internal.checkpoint.InvocationKey;
import dev.evalunit.internal.concurrent.InFlight;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Sends requests through the run's one client, each answer appended to its suite's checkpoint before its future
 * completes, so no one sees an answer a resumed run could not replay. It counts the requests whose answers are
 * not stored yet, and Ctrl-C waits for those appends, not only for the responses, so no answer that came is lost.
 * Thread-safe.
 */
final class Sender {

    private final LlmClient client;
    private final SuiteStates states;
    /** Requests sent whose answers are not in the checkpoint yet. */
    private final InFlight saving = new InFlight();

    Sender(LlmClient client, SuiteStates states) {
        this.client = client;
        this.states = states;
    }

    /** Sends the request and appends its answer under {@code key} before the future completes. */
    CompletableFuture<Completion> send(ChatRequest request, InvocationKey key) {
        CheckpointStore store = states.checkpoint(key.suite());
        return sent(request, c -> store.append(key, c));
    }

    /**
     * Sends a request of {@code samples} choices that samples share, and appends each sample's choice under its own
     * key ({@code first}'s, but for the sample) before the future completes.
     */
    CompletableFuture<Completion> sendShared(ChatRequest request, InvocationKey first, int samples) {
        CheckpointStore store = states.checkpoint(first.suite());
        return sent(request, c -> storeShares(store, first, c, samples));
    }

    private CompletableFuture<Completion> sent(ChatRequest request, Consumer<Completion> store) {
        saving.enter();
        CompletableFuture<Completion> stored;
        try {
            stored = client.generateAsync(request).thenApply(c -> {
                store.accept(c);
                return c;
            });
        } catch (RuntimeException e) {
            saving.exit();
            throw e;
        }
        return stored.whenComplete((c, e) -> saving.exit());
    }

    /**
     * Appends each sample's choice of {@code whole} under its own key, but for samples already stored.
     *
     * @throws LlmException when the answer has fewer choices than samples (a server that ignores {@code n})
     */
    static void storeShares(CheckpointStore store, InvocationKey first, Completion whole, int samples) {
        if (whole.choices().size() < samples) {
            throw LlmException.of(ErrorKind.MALFORMED_RESPONSE, first.model(), whole.attempts(), 200,
                    whole.requestId(), null, null, "the server answered " + whole.choices().size() + " choices to a "
                            + "request for " + samples + " (it ignores n); run with -Devalunit.samples.mode=requests "
                            + "to send one request per sample", null);
        }
        for (int s = 1; s <= samples; s++) {
            InvocationKey key = first.withSample(s);
            if (store.lookup(key).isEmpty()) {
                store.append(key, whole.share(s - 1, samples));
            }
        }
    }

    /**
     * Waits until every answer sent is stored, or until {@code deadlineNanos} ({@link System#nanoTime()}).
     *
     * @return how many answers are still unsaved
     */
    int awaitSaved(long deadlineNanos) {
        return saving.awaitNone(deadlineNanos);
    }
}
