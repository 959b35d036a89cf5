package dev.evalunit.internal.stats;

import static org.apiguardian.api.API.Status.INTERNAL;

import org.apiguardian.api.API;

/**
 * The share of passing samples when each question was sampled several times, with an interval that
 * knows samples of one question are not independent. Immutable and thread-safe.
 *
 * <p>Ten samples of one question are not ten independent trials: a model that knows the answer passes all
 * ten, one that does not fails all ten. Treating the samples as independent would make the interval about
 * {@code sqrt(10)} times too narrow for such a model. So the share is a ratio estimator over questions
 * (clusters), {@code p = sum(passed_q) / sum(m_q)}, with the cluster-robust (sandwich) variance
 * <pre>
 *     V = sum_q (passed_q - p m_q)^2 / (sum_q m_q)^2
 * </pre>
 * of a ratio estimator, here without the {@code Q / (Q - 1)} small-sample factor, so that with one sample
 * per question the interval is exactly the Wilson interval of the plain count. The interval is the Wilson interval at the effective sample size
 * {@code n_eff = p (1 - p) / V}, Kish's (1965) sample size over the design effect, the approach of Korn and
 * Graubard (1998, "Confidence intervals for proportions with small expected number of positive counts
 * estimated from survey data", Survey Methodology 24(2):193-201): {@code Wilson(p n_eff, n_eff)}.
 *
 * <p>{@code n_eff} is capped at {@code sum(m_q)}: samples that disagree within questions never make the
 * interval narrower than that many independent invocations would. Where {@code V = 0} (every question
 * passed, every one failed, or every question has the same share) the ratio {@code p (1 - p) / V} says
 * nothing, and {@code n_eff} is the number of questions {@code Q}: each question then counts as one
 * observation, as if its samples were one.
 *
 * <p>When every question's samples agree (each passed all or none of its samples) and every question has
 * the same number of samples, the interval equals the Wilson interval of passed questions out of
 * {@code Q}; with one sample per question it equals the Wilson interval of passed samples out of all.
 *
 * @param questions     the number of questions {@code Q}, at least 1
 * @param passed        the passing samples over all questions, {@code sum(passed_q)}
 * @param samples       the answered samples over all questions, {@code sum(m_q)}
 * @param share         {@code passed / samples}
 * @param variance      the cluster-robust variance {@code V} of {@code share}
 * @param effectiveSize {@code n_eff}, from {@code Q} (or less, for very mixed questions) to {@code samples}
 * @param interval      {@code Wilson(share * effectiveSize, effectiveSize)} at the confidence asked for
 */
@API(status = INTERNAL, since = "0.1")
public record ClusteredProportion(int questions, long passed, long samples, double share, double variance,
                                  double effectiveSize, Interval interval) {

    public ClusteredProportion {
        if (questions < 1) {
            throw new IllegalArgumentException("questions must be at least 1 but was " + questions);
        }
        if (samples < questions || passed < 0 || passed > samples) {
            throw new IllegalArgumentException("passed must be in [0, samples] and samples >= questions but were passed "
                    + passed + ", samples " + samples + ", questions " + questions);
        }
        if (!(variance >= 0) || !(effectiveSize > 0) || effectiveSize > samples) {
            throw new IllegalArgumentException("variance must be >= 0 and effectiveSize in (0, samples] but were "
                    + variance + " and " + effectiveSize);
        }
        if (interval == null) {
            throw new IllegalArgumentException("interval must not be null");
        }
    }

    /**
     * The clustered share of {@code passed[q]} passing samples out of {@code samples[q]} answered ones per
     * question {@code q}, with its interval at {@code confidence} (0.95 for 95 %). Leave out questions with
     * no answered sample: they carry no information and are rejected.
     *
     * @throws IllegalArgumentException when the arrays are empty or differ in length, a question has no
     *                                  samples or more passes than samples, or {@code confidence} is
     *                                  outside (0, 1)
     */
    public static ClusteredProportion of(int[] passed, int[] samples, double confidence) {
        int q = Checks.sameNonEmpty("passed", passed.length, "samples", samples.length);
        Checks.openUnit("confidence", confidence);
        long totalPassed = 0;
        long totalSamples = 0;
        for (int i = 0; i < q; i++) {
            if (samples[i] < 1) {
                throw new IllegalArgumentException("samples[" + i + "] must be at least 1 but was " + samples[i]);
            }
            if (passed[i] < 0 || passed[i] > samples[i]) {
                throw new IllegalArgumentException("passed[" + i + "] must be in [0, samples[" + i + "]] = [0, "
                        + samples[i] + "] but was " + passed[i]);
            }
            totalPassed += passed[i];
            totalSamples += samples[i];
        }
        double share = (double) totalPassed / totalSamples;
        double variance = variance(passed, samples, totalPassed, totalSamples);
        double effective;
        if (variance == 0) {
            effective = q;
        } else {
            effective = Math.min(share * (1 - share) / variance, totalSamples);
        }
        Interval interval = Proportions.wilson(share * effective, effective, confidence);
        return new ClusteredProportion(q, totalPassed, totalSamples, share, variance, effective, interval);
    }

    /**
     * {@code V}. Each residual {@code passed_q - p m_q} is computed as the whole number
     * {@code passed_q S - P m_q} (S and P the totals), divided by {@code S} only at the end, so that a
     * residual that is zero in exact arithmetic is exactly zero here: {@code V = 0} then detects identical
     * questions even when {@code p} has no exact binary form (one pass in three samples, say).
     */
    private static double variance(int[] passed, int[] samples, long totalPassed, long totalSamples) {
        double sumOfSquares = 0;
        for (int i = 0; i < passed.length; i++) {
            double residual = Math.multiplyExact(passed[i], totalSamples) - Math.multiplyExact(totalPassed, samples[i]);
            sumOfSquares += residual * residual;
        }
        double s = totalSamples;
        // residual_q / S is passed_q - p m_q, and V divides their squares by S^2 once more
        return sumOfSquares / (s * s) / (s * s);
    }
}
