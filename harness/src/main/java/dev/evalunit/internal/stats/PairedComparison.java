package dev.evalunit.internal.stats;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.util.SplittableRandom;
import org.apache.commons.statistics.inference.BinomialTest;
import org.apiguardian.api.API;

/**
 * Two systems A and B compared on the same questions: their mean scores, the difference with a bootstrap
 * interval, the exact sign test on the questions where they differ, and the smallest difference this many
 * questions could detect. Immutable and thread-safe.
 *
 * <p>Each question contributes its pass share for A and for B (passed / answered samples; a single sample
 * gives 0 or 1). Questions, not samples, are the units: the bootstrap resamples questions with all their
 * samples, and each question weighs the same in the means. With one sample per question, {@code meanA} and
 * {@code meanB} are the plain accuracies and the sign test is exactly McNemar's exact (conditional) test.
 *
 * @param questions                  the number of questions {@code Q}
 * @param meanA                      the mean of A's shares over questions
 * @param meanB                      the mean of B's shares over questions
 * @param difference                 {@code meanA - meanB}
 * @param interval                   the percentile bootstrap interval of the difference at confidence
 *                                   {@code 1 - alpha} (95 % by default), resampling questions
 * @param aOnly                      questions where A's share is above B's
 * @param bOnly                      questions where B's share is above A's
 * @param pValue                     the two-sided exact sign test of {@code aOnly} against
 *                                   {@code Binomial(aOnly + bOnly, 1/2)}; 1 when no question differs
 * @param minimumDetectableDifference the smallest {@code |difference|} that {@code Q} questions detect at
 *                                   level {@code alpha} with the settings' power, by Connor's (1987)
 *                                   formula with the observed {@code psi} (the mean squared difference of
 *                                   the shares); {@code null} when not defined: when no question differs
 *                                   ({@code psi = 0}, so nothing says how often the systems would), or with
 *                                   fewer than {@code z(1 - alpha/2)^2} questions (3.84 at alpha = 0.05),
 *                                   too few to detect even the largest difference {@code sqrt(psi)}
 * @param settings                   the bootstrap size, seed, alpha and power used
 */
@API(status = INTERNAL, since = "0.1")
public record PairedComparison(int questions, double meanA, double meanB, double difference, Interval interval,
                               int aOnly, int bOnly, double pValue, Double minimumDetectableDifference,
                               Settings settings) {

    public PairedComparison {
        if (questions < 1 || aOnly < 0 || bOnly < 0 || aOnly + bOnly > questions) {
            throw new IllegalArgumentException("questions must be >= 1 and aOnly + bOnly at most questions but were "
                    + questions + ", " + aOnly + " and " + bOnly);
        }
        if (!(pValue >= 0 && pValue <= 1)) {
            throw new IllegalArgumentException("pValue must be in [0, 1] but was " + pValue);
        }
        if (interval == null || settings == null) {
            throw new IllegalArgumentException("interval and settings must not be null");
        }
    }

    /**
     * How a comparison is computed. Immutable and thread-safe.
     *
     * @param resamples bootstrap replicates, at least 100; with 2,000 each 95 % limit has a Monte Carlo
     *                  error of about 0.06 standard errors of the difference
     * @param seed      the seed of the bootstrap's {@link SplittableRandom}: the same seed and input give
     *                  the same interval
     * @param alpha     the two-sided level of the sign test and of the detectable difference, in (0, 1);
     *                  the interval's confidence is {@code 1 - alpha}
     * @param power     the power at which the detectable difference is detected, in [0.5, 1)
     */
    public record Settings(int resamples, long seed, double alpha, double power) {

        public Settings {
            Checks.resamples(resamples);
            Checks.openUnit("alpha", alpha);
            if (!(power >= 0.5 && power < 1)) {
                throw new IllegalArgumentException("power must be in [0.5, 1) but was " + power);
            }
        }

        /** 2,000 replicates, alpha 0.05 (a 95 % interval) and power 0.8, with the given seed. */
        public static Settings withSeed(long seed) {
            return new Settings(Bootstrap.DEFAULT_RESAMPLES, seed, 0.05, 0.8);
        }

        public Settings withResamples(int resamples) {
            return new Settings(resamples, seed, alpha, power);
        }
    }

    /**
     * Compares A and B from their shares on the same questions, {@code shareA[q]} and {@code shareB[q]} for
     * question {@code q}.
     *
     * @throws IllegalArgumentException when the arrays are empty or differ in length, or a share is outside
     *                                  [0, 1] or NaN
     */
    public static PairedComparison of(double[] shareA, double[] shareB, Settings settings) {
        int q = Checks.sameNonEmpty("shareA", shareA.length, "shareB", shareB.length);
        // the per-question differences, computed once: the bootstrap only averages draws of them
        double[] differences = new double[q];
        double sumA = 0;
        double sumB = 0;
        double sumOfSquares = 0;
        int aOnly = 0;
        int bOnly = 0;
        for (int i = 0; i < q; i++) {
            double a = Checks.share("shareA", i, shareA[i]);
            double b = Checks.share("shareB", i, shareB[i]);
            double d = a - b;
            differences[i] = d;
            sumA += a;
            sumB += b;
            sumOfSquares += d * d;
            if (a > b) {
                aOnly++;
            } else if (b > a) {
                bOnly++;
            }
        }
        double meanA = sumA / q;
        double meanB = sumB / q;
        int discordant = aOnly + bOnly;
        // the exact conditional test: given the discordant questions, under H0 each favours A with chance 1/2
        double p = discordant == 0 ? 1 : BinomialTest.withDefaults().test(discordant, aOnly, 0.5).getPValue();
        Interval interval = bootstrap(differences, settings);
        Double detectable = Connor.minimumDetectableDifference(q, sumOfSquares / q, settings.alpha(), settings.power());
        return new PairedComparison(q, meanA, meanB, meanA - meanB, interval, aOnly, bOnly, p, detectable, settings);
    }

    /** The percentile interval of the mean of {@code differences} over question resamples. */
    private static Interval bootstrap(double[] differences, Settings settings) {
        int q = differences.length;
        SplittableRandom random = new SplittableRandom(settings.seed());
        double[] replicates = new double[settings.resamples()];
        for (int r = 0; r < replicates.length; r++) {
            double sum = 0;
            for (int j = 0; j < q; j++) {
                sum += differences[random.nextInt(q)];
            }
            replicates[r] = sum / q;
        }
        return Bootstrap.percentile(replicates, replicates.length, 1 - settings.alpha());
    }
}
