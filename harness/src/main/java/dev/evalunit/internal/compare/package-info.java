/**
 * Comparisons a reviewer would accept between runs kept as records ({@code internal.runs}): the same questions
 * asked of two models, prompts or temperatures, paired question by question
 * ({@link dev.evalunit.internal.compare.Comparisons}, {@link dev.evalunit.internal.compare.QuestionTally}), with
 * the paired statistics of {@code internal.stats} (McNemar's exact test, Holm's correction, intervals clustered by
 * question), written as text and HTML ({@link dev.evalunit.internal.compare.CompareText},
 * {@link dev.evalunit.internal.compare.CompareHtml}). Reads records only; never the live run's state.
 */
package dev.evalunit.internal.compare;
