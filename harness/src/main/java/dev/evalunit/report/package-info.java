/**
 * The build's gate on a benchmark run: {@link dev.evalunit.report.BenchmarkVerdict}, the main class a
 * benchmark module's build runs after its tests, which fails the build when the run failed or wrote no
 * verdict.
 */
package dev.evalunit.report;
