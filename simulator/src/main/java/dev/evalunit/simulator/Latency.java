package dev.evalunit.simulator;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;
import org.apiguardian.api.API;

/**
 * How long the simulator takes to answer one request. Immutable and thread-safe.
 *
 * <pre>{@code
 * Latency.fixed(Duration.ofMillis(200))
 * Latency.logNormal(Duration.ofMillis(800), 0.5)   // median 800 ms, a long tail like real models
 * }</pre>
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class Latency {

    private enum Kind { NONE, FIXED, UNIFORM, LOG_NORMAL }

    private static final Latency NONE = new Latency(Kind.NONE, 0, 0, 0);

    private final Kind kind;
    private final long firstMillis;
    private final long secondMillis;
    private final double sigma;

    private Latency(Kind kind, long firstMillis, long secondMillis, double sigma) {
        this.kind = kind;
        this.firstMillis = firstMillis;
        this.secondMillis = secondMillis;
        this.sigma = sigma;
    }

    /** Answers at once. */
    public static Latency none() {
        return NONE;
    }

    /** Always the same delay. */
    public static Latency fixed(Duration delay) {
        long millis = nonNegativeMillis("delay", delay);
        return millis == 0 ? NONE : new Latency(Kind.FIXED, millis, millis, 0);
    }

    /** A delay drawn uniformly from {@code min} to {@code max}, both included. */
    public static Latency uniform(Duration min, Duration max) {
        long lo = nonNegativeMillis("min", min);
        long hi = nonNegativeMillis("max", max);
        if (hi < lo) {
            throw new IllegalArgumentException("Latency.uniform needs min <= max but was min=" + min + ", max=" + max);
        }
        return new Latency(Kind.UNIFORM, lo, hi, 0);
    }

    /**
     * A log-normal delay: half the requests take less than {@code median}, and {@code sigma} (the
     * standard deviation of the underlying normal, e.g. 0.5) sets how long the tail is.
     */
    public static Latency logNormal(Duration median, double sigma) {
        long millis = nonNegativeMillis("median", median);
        if (!(sigma >= 0) || Double.isInfinite(sigma)) {
            throw new IllegalArgumentException("Latency.logNormal sigma must be >= 0 but was " + sigma);
        }
        return new Latency(Kind.LOG_NORMAL, millis, millis, sigma);
    }

    /** One delay in milliseconds, drawn with {@code random}. */
    public long sampleMillis(RandomGenerator random) {
        return switch (kind) {
            case NONE -> 0;
            case FIXED -> firstMillis;
            case UNIFORM -> firstMillis == secondMillis ? firstMillis : random.nextLong(firstMillis, secondMillis + 1);
            case LOG_NORMAL -> Math.round(firstMillis * Math.exp(sigma * random.nextGaussian()));
        };
    }

    /** Whether every sample is zero. */
    public boolean isNone() {
        return kind == Kind.NONE;
    }

    private static long nonNegativeMillis(String name, Duration duration) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative()) {
            throw new IllegalArgumentException("Latency " + name + " must be >= 0 but was " + duration);
        }
        return duration.toMillis();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Latency that && kind == that.kind && firstMillis == that.firstMillis
                && secondMillis == that.secondMillis && sigma == that.sigma;
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, firstMillis, secondMillis, sigma);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case NONE -> "Latency.none()";
            case FIXED -> "Latency.fixed(" + firstMillis + "ms)";
            case UNIFORM -> "Latency.uniform(" + firstMillis + "ms, " + secondMillis + "ms)";
            case LOG_NORMAL -> "Latency.logNormal(" + firstMillis + "ms, " + sigma + ")";
        };
    }
}
