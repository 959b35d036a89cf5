package dev.evalunit;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apiguardian.api.API;

/**
 * The shared, rate-limited chat client a benchmark talks to. Implementations are thread-safe: one
 * instance serves every suite of a run, from any thread.
 *
 * <p>Failures arrive as subclasses of {@code dev.evalunit.LlmException}: thrown by
 * {@link #generate}, or completing the future of {@link #generateAsync} exceptionally.
 */
@API(status = STABLE, since = "0.1")
public interface LlmClient extends AutoCloseable {

    /**
     * Sends the request and waits for its answer. An interrupt cancels the wait (the request itself
     * may still complete) and surfaces as a {@link java.util.concurrent.CancellationException}.
     */
    default Completion generate(ChatRequest request) {
        CompletableFuture<Completion> answer = generateAsync(request);
        try {
            return answer.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new CompletionException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            answer.cancel(false);
            throw new CancellationException("interrupted while waiting for " + request.model());
        }
    }

    /** Queues the request and returns at once; the future completes with the answer. */
    CompletableFuture<Completion> generateAsync(ChatRequest request);

    /** Stops taking requests, lets requests in flight finish, and releases connections and threads. */
    @Override
    void close();
}
