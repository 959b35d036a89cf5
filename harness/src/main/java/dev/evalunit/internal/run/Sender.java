package dev.evalunit.internal.run;

import dev.evalunit.ChatRequest;
import dev.evalunit.Completion;
import dev.evalunit.ErrorKind;
import dev.evalunit.LlmClient;
import dev.evalunit.LlmException;
import dev.evalunit.internal.checkpoint.CheckpointStore;
import dev.evalunit.internal.checkpoint.InvocationKey;
import dev.evalunit.internal.concurrent.InFlight;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Sends requests through the run's one client, each answer appended to its suite's checkpoint before its future
 * completes, so no one sees an answer a resumed run could not replay. It counts the requests whose answers are
 * not stored yet, and Ctrl-C waits for those appends, not only for the responses, so no answer that came is lost.
 * Thread-safe.
 */
final class Sender {

    private static final System.Logger LOG = System.getLogger(Sender.class.getName());

    private final LlmClient client;
    private final SuiteStates states;
    /** Requests sent whose answers are not in the checkpoint yet. */
    private final InFlight saving = new InFlight();
    /** Models whose server answered fewer choices than a request asked for: their samples go one request each. */
    private final Set<String> ignoresN = ConcurrentHashMap.newKeySet();

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
     *
     * <p>A server found to ignore {@code n} (it answered fewer choices than asked: a local vLLM or llama.cpp may) is
     * asked once per sample instead, each answer stored under its sample's key as it comes, so a failure of one loses
     * none of the others. The future's answer then holds them all as its choices, in sample order. (A model that
     * takes no {@code n} at all, Anthropic's, never shares a request: its samples are planned one request each.)
     */
    CompletableFuture<Completion> sendShared(ChatRequest request, InvocationKey first, int samples) {
        CheckpointStore store = states.checkpoint(first.suite());
        return sent(() -> askShared(request, store, first, samples), c -> storeShares(store, first, c, samples));
    }

    private CompletableFuture<Completion> askShared(ChatRequest request, CheckpointStore store, InvocationKey first,
                                                    int samples) {
        String model = first.model();
        if (ignoresN.contains(model)) {
            return separately(request.n(1), store, first, 1, samples, List.of());
        }
        return client.generateAsync(request).thenCompose(whole -> {
            int got = whole.choices().size();
            if (got >= samples) {
                return CompletableFuture.completedFuture(whole);
            }
            if (ignoresN.add(model)) {
                LOG.log(System.Logger.Level.WARNING, "evalunit: " + model + " answered " + got + " choice"
                        + (got == 1 ? "" : "s") + " to a request for " + samples + ": its server ignores n, so its "
                        + "samples are sent as separate requests from now on (-Devalunit.samples.mode=requests says "
                        + "so from the start)");
            }
            List<Completion> received = new ArrayList<>(got);
            for (int c = 0; c < got; c++) {
                Completion own = whole.share(c, got);
                appendOnce(store, first.withSample(c + 1), own);
                received.add(own);
            }
            return separately(request.n(1), store, first, got + 1, samples, received);
        });
    }

    /** Asks samples {@code from}..{@code samples} one request each, storing each answer as it comes. */
    private CompletableFuture<Completion> separately(ChatRequest one, CheckpointStore store, InvocationKey first,
                                                     int from, int samples, List<Completion> received) {
        List<CompletableFuture<Completion>> parts = new ArrayList<>();
        for (int s = from; s <= samples; s++) {
            InvocationKey key = first.withSample(s);
            parts.add(client.generateAsync(one).thenApply(c -> {
                appendOnce(store, key, c);
                return c;
            }));
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(v -> {
            List<Completion> all = new ArrayList<>(received);
            parts.forEach(p -> all.add(p.join()));
            return JoinedSamples.of(all);
        });
    }

    private static void appendOnce(CheckpointStore store, InvocationKey key, Completion c) {
        if (store.lookup(key).isEmpty()) {
            store.append(key, c);
        }
    }

    private CompletableFuture<Completion> sent(ChatRequest request, Consumer<Completion> store) {
        return sent(() -> client.generateAsync(request), store);
    }

    private CompletableFuture<Completion> sent(Supplier<CompletableFuture<Completion>> ask, Consumer<Completion> store) {
        saving.enter();
        CompletableFuture<Completion> stored;
        try {
            stored = ask.get().thenApply(c -> {
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
