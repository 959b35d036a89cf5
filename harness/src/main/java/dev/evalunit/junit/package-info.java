/**
 * The JUnit adapter: the only door from JUnit into the engine ({@code dev.evalunit.internal}), and the only package
 * outside it that may import it.
 *
 * <p>Public: the two annotations a benchmark class carries, {@link dev.evalunit.junit.BenchmarkSuite} and
 * {@link dev.evalunit.junit.BenchmarkTest}, each meta-annotated with the package-private {@code BenchmarkExtension};
 * and the launcher's services, {@link dev.evalunit.junit.RunSession} and {@link dev.evalunit.junit.SuiteFilter},
 * public because {@link java.util.ServiceLoader} makes them (marked {@code INTERNAL}). The rest reads a suite's
 * annotations into planned invocations ({@code BenchmarkPlan} with {@code QuestionsFactory}, {@code PromptMethod},
 * {@code FollowUpMethods}, {@code MetricMethods}), resolves a test's parameters, and hands each invocation to the
 * engine and its outcome back. State lives in JUnit's stores (the engine in the root store, the session's
 * selections in the launcher session's), never in static fields.
 */
package dev.evalunit.junit;
