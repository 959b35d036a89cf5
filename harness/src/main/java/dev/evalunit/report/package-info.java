/**
 * What a run shows while it runs and when it ends: {@link dev.evalunit.report.ProgressReporter} (a live
 * bar on a terminal, plain periodic lines in CI logs), {@link dev.evalunit.report.RunSummary} (the score
 * table per suite and temperature, from {@link dev.evalunit.report.InvocationResult}s) and
 * {@link dev.evalunit.report.BuildOutcome} (whether the build passes, by explicit thresholds).
 */
package dev.evalunit.report;
