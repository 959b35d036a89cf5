/**
 * Every run kept as a record under {@code target/evalunit/runs/<id>/}: its manifest (settings, models, origin,
 * datasets with their SHA-256, git commit), one line per invocation ({@code invocations.jsonl}), a CSV export,
 * and {@code runs/latest}. {@link dev.evalunit.internal.runs.RunRecord} writes one while a run goes;
 * {@link dev.evalunit.internal.runs.RunDirectory} finds and reads them for comparisons. A record is written
 * once and never changed by a later run.
 */
package dev.evalunit.internal.runs;
