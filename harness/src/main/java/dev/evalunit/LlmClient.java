package dev.evalunit;

import java.util.concurrent.CompletableFuture;

/**
 * The shared, rate-limited chat client a benchmark talks to. Implementations are thread-safe: one
 * instance serves every suite of a run, from any thread.
 *
 * <p>Failures arrive as subclasses of {@code dev.evalunit.client.LlmException}: thrown by
 * {@link #generate}, or completing the future of {@link #generateAsync} exceptionally.
 */
public interface LlmClient extends AutoCloseable {

    /** Sends the request and waits for its answer. */
    default Completion generate(ChatRequest request) {
        try {
            return generateAsync(request).join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw e;
        }
    }

    /** Queues the request and returns at once; the future completes with the answer. */
    CompletableFuture<Completion> generateAsync(ChatRequest request);

    /** Stops taking requests, lets requests in flight finish, and releases connections and threads. */
    @Override
    void close();
}
