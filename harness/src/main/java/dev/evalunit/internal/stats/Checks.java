package dev.evalunit.internal.stats;

/**
 * Argument checks shared by this package, each failing with an {@link IllegalArgumentException} that names
 * the argument and its value, e.g. "alpha must be in (0, 1) but was 1.5". Stateless.
 */
final class Checks {

    private Checks() {
    }

    /** {@code value} is strictly between 0 and 1 (alpha, confidence, power). */
    static double openUnit(String name, double value) {
        if (!(value > 0 && value < 1)) {
            throw new IllegalArgumentException(name + " must be in (0, 1) but was " + value);
        }
        return value;
    }

    /** {@code value} is a share: finite and in [0, 1]. */
    static double share(String name, int index, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(name + "[" + index + "] must be in [0, 1] but was " + value);
        }
        return value;
    }

    /** {@code a} and {@code b} have the same, non-zero length. */
    static int sameNonEmpty(String nameA, int lengthA, String nameB, int lengthB) {
        if (lengthA != lengthB) {
            throw new IllegalArgumentException(nameA + " and " + nameB + " must have the same length (one entry per question)"
                    + " but had " + lengthA + " and " + lengthB);
        }
        if (lengthA == 0) {
            throw new IllegalArgumentException(nameA + " and " + nameB + " must not be empty");
        }
        return lengthA;
    }

    /** A bootstrap size of at least 100: fewer replicates cannot place a 2.5 % percentile. */
    static int resamples(int resamples) {
        if (resamples < Bootstrap.MIN_RESAMPLES) {
            throw new IllegalArgumentException("resamples must be at least " + Bootstrap.MIN_RESAMPLES + " but was " + resamples);
        }
        return resamples;
    }
}
