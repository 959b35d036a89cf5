package dev.evalunit.simulator;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.time.Duration;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * The knobs of the simulator's Batch API: how long a batch's life takes, which of its requests fail,
 * and when it expires. Immutable and thread-safe; part of {@link SimulatorOptions#batch()}. Each
 * batch keeps the options in force when it was created, so {@link OpenAiSimulator#reconfigure}
 * shapes the batches created after it.
 *
 * <p>A batch validates for {@code validatingTime}, then runs its requests one after another, each
 * taking {@code requestTime}, then finalizes for {@code finalizingTime}: 100 requests with the
 * defaults take 0.2 s + 0.1 s + 0.2 s. Time is the simulator's {@link SimulatorOptions#nanoTime()}
 * clock, read whenever a batch is looked at, so a test that moves a {@link ManualClock} sees each
 * status exactly when it is due.
 *
 * @param validatingTime   how long a batch stays {@code validating}; default 200 ms
 * @param requestTime      how long each request of a batch takes, one after another; default 1 ms
 * @param finalizingTime   how long a batch stays {@code finalizing}; default 200 ms
 * @param cancellingTime   how long a batch stays {@code cancelling} after a cancel; default 200 ms
 * @param completionWindow how long after its creation a batch expires if it has not finished, what
 *                         OpenAI calls the 24 h completion window; default 24 h
 * @param failedLineShare  share 0..1 of requests that fail with 500 {@code server_error} into the error
 *                         file, drawn per request from {@link SimulatorOptions#faultSeed()}; default 0
 * @param failedBatchShare share 0..1 of batches that fail at the end of validation with OpenAI's
 *                         {@code token_limit_exceeded} error, drawn per batch from the same seed; default 0
 * @param expireAfterShare share 0..1 of a batch's requests after which it expires: with 0.4, 40 % of the
 *                         requests (rounded down) complete and the batch becomes {@code expired}, the rest
 *                         going to the error file as {@code batch_expired}; 1 (the default) never expires early
 * @param maxRequests      the most requests an input file may hold; OpenAI's 50,000 is the default
 * @param maxFileBytes     the largest input file in bytes; OpenAI's 200 MB is the default
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record BatchOptions(
        Duration validatingTime,
        Duration requestTime,
        Duration finalizingTime,
        Duration cancellingTime,
        Duration completionWindow,
        double failedLineShare,
        double failedBatchShare,
        double expireAfterShare,
        int maxRequests,
        long maxFileBytes) {

    public BatchOptions {
        requireNonNegative("validatingTime", validatingTime);
        requireNonNegative("requestTime", requestTime);
        requireNonNegative("finalizingTime", finalizingTime);
        requireNonNegative("cancellingTime", cancellingTime);
        Objects.requireNonNull(completionWindow, "completionWindow");
        if (completionWindow.isZero() || completionWindow.isNegative()) {
            throw new IllegalArgumentException("completionWindow must be > 0 but was " + completionWindow);
        }
        requireShare("failedLineShare", failedLineShare);
        requireShare("failedBatchShare", failedBatchShare);
        requireShare("expireAfterShare", expireAfterShare);
        if (maxRequests < 1) {
            throw new IllegalArgumentException("maxRequests must be >= 1 but was " + maxRequests);
        }
        if (maxFileBytes < 1) {
            throw new IllegalArgumentException("maxFileBytes must be >= 1 but was " + maxFileBytes);
        }
    }

    /** The defaults: a batch of 100 requests completes in half a second, nothing fails or expires. */
    public static BatchOptions defaults() {
        return builder().build();
    }

    /** Every phase instantaneous: a batch is completed the first time it is looked at after its creation. */
    public static BatchOptions instant() {
        return builder().validatingTime(Duration.ZERO).requestTime(Duration.ZERO).finalizingTime(Duration.ZERO)
                .cancellingTime(Duration.ZERO).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    private static void requireNonNegative(String name, Duration duration) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative()) {
            throw new IllegalArgumentException(name + " must be >= 0 but was " + duration);
        }
    }

    private static void requireShare(String name, double share) {
        if (!(share >= 0 && share <= 1)) {
            throw new IllegalArgumentException(name + " must be between 0 and 1 but was " + share);
        }
    }

    /** Collects batch options; not thread-safe, {@link #build()} validates and copies. */
    public static final class Builder {
        private Duration validatingTime = Duration.ofMillis(200);
        private Duration requestTime = Duration.ofMillis(1);
        private Duration finalizingTime = Duration.ofMillis(200);
        private Duration cancellingTime = Duration.ofMillis(200);
        private Duration completionWindow = Duration.ofHours(24);
        private double failedLineShare;
        private double failedBatchShare;
        private double expireAfterShare = 1;
        private int maxRequests = 50_000;
        private long maxFileBytes = 200L * 1024 * 1024;

        private Builder() {
        }

        private Builder(BatchOptions o) {
            validatingTime = o.validatingTime;
            requestTime = o.requestTime;
            finalizingTime = o.finalizingTime;
            cancellingTime = o.cancellingTime;
            completionWindow = o.completionWindow;
            failedLineShare = o.failedLineShare;
            failedBatchShare = o.failedBatchShare;
            expireAfterShare = o.expireAfterShare;
            maxRequests = o.maxRequests;
            maxFileBytes = o.maxFileBytes;
        }

        public Builder validatingTime(Duration time) { this.validatingTime = time; return this; }

        public Builder requestTime(Duration time) { this.requestTime = time; return this; }

        public Builder finalizingTime(Duration time) { this.finalizingTime = time; return this; }

        public Builder cancellingTime(Duration time) { this.cancellingTime = time; return this; }

        public Builder completionWindow(Duration window) { this.completionWindow = window; return this; }

        public Builder failedLineShare(double share) { this.failedLineShare = share; return this; }

        public Builder failedBatchShare(double share) { this.failedBatchShare = share; return this; }

        public Builder expireAfterShare(double share) { this.expireAfterShare = share; return this; }

        public Builder maxRequests(int max) { this.maxRequests = max; return this; }

        public Builder maxFileBytes(long max) { this.maxFileBytes = max; return this; }

        public BatchOptions build() {
            return new BatchOptions(validatingTime, requestTime, finalizingTime, cancellingTime, completionWindow,
                    failedLineShare, failedBatchShare, expireAfterShare, maxRequests, maxFileBytes);
        }
    }
}
