package dev.evalunit.internal.stats;

/**
 * Connor's (1987) sample size for McNemar's test, and the smallest difference it can detect with a given
 * number of pairs. Stateless.
 *
 * <p>Connor R.J. (1987), "Sample size for testing differences in proportions for the paired-sample design",
 * Biometrics 43(1):207-211, p. 209: to detect a difference {@code delta} of paired proportions with a
 * two-sided test at level {@code alpha} and power {@code 1 - beta}, where {@code psi} is the probability that
 * a pair is discordant, takes
 * <pre>
 *     n = [z(1 - alpha/2) sqrt(psi) + z(1 - beta) sqrt(psi - delta^2)]^2 / delta^2
 * </pre>
 * pairs. With shares instead of 0/1 outcomes, {@code psi} is the mean squared difference of the pair's
 * shares, which is the discordant proportion when the shares are 0 or 1.
 */
final class Connor {

    private Connor() {
    }

    /** The (fractional) number of pairs Connor's formula asks for; round it up for a study plan. */
    static double sampleSize(double psi, double delta, double alpha, double power) {
        checkPower(power);
        if (!(delta > 0 && delta * delta <= psi)) {
            throw new IllegalArgumentException("delta must be in (0, sqrt(psi)] = (0, " + Math.sqrt(psi) + "] but was " + delta);
        }
        double zAlpha = Proportions.z(1 - Checks.openUnit("alpha", alpha));
        double zBeta = Proportions.quantile(power);
        double root = zAlpha * Math.sqrt(psi) + zBeta * Math.sqrt(psi - delta * delta);
        return root * root / (delta * delta);
    }

    /**
     * The {@code delta} for which Connor's formula gives exactly {@code n} pairs: the smallest difference
     * that {@code n} pairs detect with the given power. {@code null} when there is none:
     * <ul>
     *   <li>{@code psi = 0}: the systems never disagree, so nothing in the data says how often they would,
     *       and every difference {@code delta > 0} needs {@code psi >= delta^2 > 0};</li>
     *   <li>{@code n < z(1 - alpha/2)^2} (3.84 pairs at alpha = 0.05): even the largest difference that
     *       {@code psi} allows, {@code delta = sqrt(psi)} with every discordant pair one way, needs more
     *       pairs than there are.</li>
     * </ul>
     *
     * <p>Solved in closed form: writing {@code s = sqrt(n)}, {@code a = z(1 - alpha/2) sqrt(psi)} and
     * {@code b = z(1 - beta)}, squaring {@code s delta - a = b sqrt(psi - delta^2)} gives the quadratic
     * {@code (s^2 + b^2) delta^2 - 2 a s delta + a^2 - b^2 psi = 0}, whose larger root
     * {@code delta = [a s + b sqrt(psi (s^2 + b^2) - a^2)] / (s^2 + b^2)} is the solution when
     * {@code b >= 0} and {@code s >= z(1 - alpha/2)}; it falls from {@code sqrt(psi)} as {@code n} grows.
     */
    static Double minimumDetectableDifference(double n, double psi, double alpha, double power) {
        checkPower(power);
        if (!(n >= 0) || !(psi >= 0 && psi <= 1)) {
            throw new IllegalArgumentException("n must be >= 0 and psi in [0, 1] but were " + n + " and " + psi);
        }
        double zAlpha = Proportions.z(1 - Checks.openUnit("alpha", alpha));
        if (psi == 0 || n < zAlpha * zAlpha) {
            return null;
        }
        double b = Proportions.quantile(power);
        double s2 = n;
        double a = zAlpha * Math.sqrt(psi);
        double s = Math.sqrt(s2);
        double delta = (a * s + b * Math.sqrt(Math.max(0, psi * (s2 + b * b) - a * a))) / (s2 + b * b);
        return Math.min(delta, Math.sqrt(psi));
    }

    /**
     * Power of at least one half: below it {@code z(1 - beta)} is negative, the required pairs are no longer
     * monotone in {@code delta}, and a "minimum" detectable difference is not defined.
     */
    private static void checkPower(double power) {
        if (!(power >= 0.5 && power < 1)) {
            throw new IllegalArgumentException("power must be in [0.5, 1) but was " + power);
        }
    }
}
