package dev.evalunit.internal.client;

import dev.evalunit.ChatRequest;
import dev.evalunit.Completion;
import dev.evalunit.config.ModelPrice;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One API the client speaks, OpenAI's chat completions or Anthropic's messages: what differs between them is
 * here, behind one face, and everything else (throttle, retries, budget, stops, metrics) is the client's, the
 * same for both. A provider turns a {@link ChatRequest} into its own request, sends it, and reads back its
 * answer and its rate-limit headers; {@link Failures} reads both SDKs' exceptions. Implementations are
 * thread-safe.
 */
interface Provider extends AutoCloseable {

    /** One HTTP exchange that came back 2xx. */
    interface Exchange {

        /** Whether the answer reported its token usage; some OpenAI-compatible servers leave it out. */
        boolean hasUsage();

        /** What the response's headers said of the account's limits, in the client's terms. */
        RateLimitHeaders rateLimitHeaders();

        /** Our standard form of the answer, priced with {@code price} when the table has one. */
        Completion toCompletion(int attempt, long latencyNanos, long elapsedNanos, Optional<ModelPrice> price);
    }

    /** Sends {@code request} to {@code model} (the run's name for it, provider prefix and all). */
    CompletableFuture<? extends Exchange> send(String model, ChatRequest request);

    /** Widens the connection pool when another model's lane adds its concurrency. */
    void ensureCapacity(int maxConcurrency);

    @Override
    void close();
}
