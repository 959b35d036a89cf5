/**
 * The client, its throttles and its wire, in one place: what happens to a request between
 * {@link dev.evalunit.LlmClient#generateAsync} and OpenAI's HTTP API.
 *
 * <p>{@link dev.evalunit.internal.client.ThrottledClient} takes a request through the budget cap
 * ({@link dev.evalunit.internal.client.BudgetGuard}), the stops a fatal failure set
 * ({@link dev.evalunit.internal.client.Stops}), Failsafe's retries and a circuit breaker per model, the model's
 * {@link dev.evalunit.internal.client.ModelThrottle} (priority queue, RPM and TPM buckets, concurrency that follows
 * the limits, limits learned from {@code x-ratelimit-*} headers, shared between processes through Redis by
 * {@link dev.evalunit.internal.client.SharedLimits}), then openai-java over OkHttp
 * ({@link dev.evalunit.internal.client.OpenAiTransport}). Failures are classified once
 * ({@link dev.evalunit.internal.client.Failures}); the wire format, estimates and redaction
 * ({@link dev.evalunit.internal.client.ChatWire}, {@link dev.evalunit.internal.client.RequestEstimate},
 * {@link dev.evalunit.internal.client.Redactor}) are shared with the Batch API ({@code internal.batch}).
 * {@link dev.evalunit.internal.client.RunClient} is a run's client: the built-in simulator when no key is set,
 * found by name, never imported. Everything here is thread-safe: one client serves a whole run.
 */
package dev.evalunit.internal.client;
