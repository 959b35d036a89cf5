/**
 * Every answer a run paid for, kept and found by what was asked, so that a re-run, another model's run
 * after this one, or a rewritten scorer replays stored answers instead of paying for them again, and a
 * killed run resumes losing at most the requests in flight.
 *
 * <p>{@link dev.evalunit.internal.checkpoint.CheckpointStore} keeps one suite's JSONL files under
 * {@code benchmark-state/<suite>/} ({@code evalunit.checkpoint.dir}); an
 * {@link dev.evalunit.internal.checkpoint.InvocationKey} names the invocation that asked and hashes its
 * request, and its {@link dev.evalunit.internal.checkpoint.AnswerKey} (request and draw) is what the answer is
 * found by: a changed prompt or model asks anew, and the earlier request's answer stays for when it is asked again.
 */
package dev.evalunit.internal.checkpoint;
