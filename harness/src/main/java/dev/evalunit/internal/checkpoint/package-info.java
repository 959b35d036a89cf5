/**
 * Per-invocation checkpoints, so that a re-run replays stored answers instead of paying for them
 * again, and a killed run resumes losing at most the requests in flight.
 *
 * <p>{@link dev.evalunit.internal.checkpoint.CheckpointStore} keeps one suite's JSONL files under
 * {@code benchmark-state/<suite>/} ({@code evalunit.checkpoint.dir}); an
 * {@link dev.evalunit.internal.checkpoint.InvocationKey} names one invocation and hashes its request, so a
 * changed prompt or model is never answered from an old line.
 */
package dev.evalunit.internal.checkpoint;
