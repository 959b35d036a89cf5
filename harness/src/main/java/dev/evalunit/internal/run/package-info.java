/**
 * The engine of a run, with no JUnit type in it: one {@link dev.evalunit.internal.run.RunEngine} per run locks each
 * suite's state, routes batch-eligible invocations ({@link dev.evalunit.internal.run.Routes}: real time, or which
 * batch), keeps a {@link dev.evalunit.internal.run.Lookahead} window of answers in flight ahead of the test bodies,
 * answers each invocation from its batch, the checkpoint, a request another invocation is asking, or the client,
 * sends follow-ups as later stages ({@link dev.evalunit.internal.run.FollowUpStage},
 * {@link dev.evalunit.internal.run.StageClient}), and at the end writes the summary, the analysis and the verdict
 * ({@link dev.evalunit.internal.run.RunEnd}).
 *
 * <p>It is driven by the adapter ({@code dev.evalunit.junit}) through {@link dev.evalunit.internal.run.PlannedInvocation}s
 * and never imports it. Thread-safe: invocations of a run are answered concurrently.
 */
package dev.evalunit.internal.run;
