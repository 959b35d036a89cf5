/**
 * What a benchmark author touches, and nothing else: the annotations a suite's methods carry
 * ({@link dev.evalunit.Temperatures}, {@link dev.evalunit.Samples}, {@link dev.evalunit.Questions},
 * {@link dev.evalunit.Prompt}, {@link dev.evalunit.FollowUp}, {@link dev.evalunit.Metric},
 * {@link dev.evalunit.BatchEligible}), what is asked and answered ({@link dev.evalunit.ChatRequest},
 * {@link dev.evalunit.Message}, {@link dev.evalunit.Answer}, {@link dev.evalunit.Completion},
 * {@link dev.evalunit.Scorecard}, {@link dev.evalunit.Temperature}, {@link dev.evalunit.QuestionRow}), the client a
 * test is given ({@link dev.evalunit.LlmClient}) and the failures a test may catch, one hierarchy under
 * {@link dev.evalunit.EvalunitException}.
 *
 * <p>The suite and test annotations that register the JUnit extension, {@code @BenchmarkSuite} and
 * {@code @BenchmarkTest}, live beside it in {@link dev.evalunit.junit}, as {@code @ParameterizedTest} does, so that
 * this package depends on no other of the harness. Values here are immutable and thread-safe.
 */
package dev.evalunit;
