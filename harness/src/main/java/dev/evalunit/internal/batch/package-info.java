/**
 * OpenAI's Batch API and Anthropic's Message Batches: requests answered within 24 hours at half the price, without
 * ever losing an answer or paying for one twice.
 *
 * <p>{@link dev.evalunit.internal.batch.BatchCoordinator} is the entry point: given a suite's requests that
 * have no checkpointed answer ({@link dev.evalunit.internal.batch.BatchItem}), it reattaches to the batches an
 * earlier run left, submits the rest, polls, joins the output by {@code custom_id} (the invocation's
 * id) and hands each answer to a sink and then to the request's future; failed lines are retried, in a
 * new batch or in real time. {@link dev.evalunit.internal.batch.BatchApi} is the provider's batch API it talks
 * to ({@link dev.evalunit.internal.batch.OpenAiBatchApi} over openai-java,
 * {@link dev.evalunit.internal.batch.AnthropicBatchApi} over anthropic-java); one coordinator serves one provider's
 * models, and the lines and results of each provider differ only in {@code BatchLines} and {@code OutputLine}.
 *
 * <p>On disk, in the directory the coordinator is given (by convention
 * {@code benchmark-state/<suite>/epoch-<n>/batches}): {@code ledger.jsonl}, the append-only
 * {@link dev.evalunit.internal.batch.BatchLedger} forced to the device before every irreversible step, and per
 * batch {@code <ledgerId>.input.jsonl} (until it is created), {@code <ledgerId>.ids.jsonl} (until it is
 * collected) and the output and error files while they are read.
 */
package dev.evalunit.internal.batch;
