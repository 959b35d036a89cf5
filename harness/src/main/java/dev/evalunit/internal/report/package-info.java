/**
 * What a run shows while it runs and when it ends: {@link dev.evalunit.internal.report.ProgressReporter}
 * (a live bar on a terminal, plain periodic lines in CI logs), {@link dev.evalunit.internal.report.RunSummary}
 * (the score table per suite and temperature, from {@link dev.evalunit.internal.report.InvocationResult}s),
 * the temperature {@link dev.evalunit.internal.report.Analysis} and
 * {@link dev.evalunit.internal.report.BuildOutcome} (whether the build passes, by explicit thresholds).
 * Internal: may change in any release.
 */
package dev.evalunit.internal.report;
