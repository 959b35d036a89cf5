/**
 * Statistics for comparing benchmark results: the {@link dev.evalunit.internal.stats.Proportions#wilson
 * Wilson interval} of a pass rate, the interval of a {@link dev.evalunit.internal.stats.ClusteredProportion
 * pass rate over questions sampled several times}, the {@link dev.evalunit.internal.stats.PairedComparison
 * paired comparison} of two systems on the same questions (bootstrap interval, exact sign test, minimum
 * detectable difference), the bootstrap of a {@link dev.evalunit.internal.stats.MetricDifference metric of
 * column means}, and {@link dev.evalunit.internal.stats.Holm Holm's adjustment} of p-values.
 *
 * <p>Statistics are part of the product: a wrong p-value or interval is a wrong result. So quantiles and
 * binomial tail sums come from Apache Commons Statistics, never from code of ours, and every figure in this
 * package's tests is pinned to a published worked example or a reference implementation. Bootstraps draw
 * from {@link java.util.SplittableRandom} with a given seed, so the same input and seed give the same
 * interval. Internal: may change in any release.
 */
package dev.evalunit.internal.stats;
