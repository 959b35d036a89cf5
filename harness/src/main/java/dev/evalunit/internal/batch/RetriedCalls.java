package dev.evalunit.internal.batch;

import dev.evalunit.LlmException;
import dev.evalunit.config.RetryConfig;
import dev.evalunit.internal.client.BackoffPolicy;
import dev.evalunit.internal.client.Failures;
import dev.evalunit.internal.client.Redactor;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import dev.failsafe.RetryPolicy;
import dev.failsafe.function.CheckedSupplier;
import dev.failsafe.function.ContextualSupplier;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The calls of a batch API, each retried as the run's retry settings say when it fails retryably, after the run's
 * backoff and never before the server's {@code retry-after}; every failure classified as the real-time client's are,
 * naming {@code subject} where those name a model. OpenAI's Batch API and Anthropic's Message Batches share it.
 * Thread-safe.
 */
final class RetriedCalls {

    private final String subject;
    private final Redactor redactor;
    private final FailsafeExecutor<Object> retrying;

    RetriedCalls(RetryConfig retry, String subject, Redactor redactor) {
        this.subject = subject;
        this.redactor = redactor;
        BackoffPolicy backoff = new BackoffPolicy(retry, () -> ThreadLocalRandom.current().nextDouble());
        this.retrying = Failsafe.with(RetryPolicy.builder()
                .handleIf(e -> e instanceof LlmException l && l.retryable())
                .withMaxAttempts(retry.maxAttempts())
                .withDelayFn(ctx -> backoff.delayAfter(ctx.getAttemptCount(),
                        ctx.getLastException() instanceof LlmException l ? l.retryAfter() : null))
                .build());
    }

    /** Makes {@code call}, retried. */
    <T> T call(CheckedSupplier<T> call) {
        return retrying.get(ctx -> attempt(call, ctx.getAttemptCount() + 1));
    }

    /** Makes the attempts {@code attempts} makes of a call that needs to know which attempt it is, retried. */
    <T> T withAttempts(ContextualSupplier<T, T> attempts) {
        return retrying.get(attempts);
    }

    /** One attempt of {@code call}, the {@code attempt}-th, its failure classified. */
    <T> T attempt(CheckedSupplier<T> call, int attempt) {
        try {
            return call.get();
        } catch (Throwable t) {
            throw Failures.classify(t, subject, attempt, redactor);
        }
    }
}
