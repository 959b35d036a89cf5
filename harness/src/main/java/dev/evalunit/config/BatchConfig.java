package dev.evalunit.config;

import static org.apiguardian.api.API.Status.STABLE;

import java.time.Duration;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * Routing to and waiting on OpenAI's Batch API. Immutable; the {@code with} methods return copies.
 *
 * @param mode              realtime, batch or auto; default auto
 * @param threshold         in auto mode, the fewest eligible invocations worth a batch, &gt; 0; also the
 *                          fewest failed lines worth a retry batch (fewer are retried in real time); default 100
 * @param pollInterval      time between status checks of a running batch, &gt; 0; default 30s
 * @param waitForCompletion whether a test waits for its batch; if not it is aborted with the batch id; default true
 * @param deadline          how long a run waits for its batches at most, from its start, &gt; 0; what is not
 *                          answered by then is sent in real time; default 24h
 * @param cancelAtDeadline  whether a batch still running at the deadline is cancelled; default true, since its
 *                          requests then go to real time, and a batch left running would be paid for too
 * @param maxRetries        how many times a failed, expired or cancelled line is sent again (in a new batch or
 *                          in real time) before its invocation fails, 0..10; default 2
 * @param cancelOnInterrupt whether Ctrl-C cancels the batches still running instead of leaving them to a
 *                          later run; default false
 */
@API(status = STABLE, since = "0.1")
public record BatchConfig(BatchMode mode, int threshold, Duration pollInterval, boolean waitForCompletion,
                          Duration deadline, boolean cancelAtDeadline, int maxRetries, boolean cancelOnInterrupt) {

    /** The most {@code maxRetries} may be. */
    public static final int MAX_RETRIES_LIMIT = 10;

    public BatchConfig {
        Objects.requireNonNull(mode, "mode");
        Checks.range("threshold", threshold, 1, Integer.MAX_VALUE);
        Checks.positive("pollInterval", pollInterval);
        Checks.positive("deadline", deadline);
        Checks.range("maxRetries", maxRetries, 0, MAX_RETRIES_LIMIT);
    }

    public static BatchConfig defaults() {
        return new BatchConfig(BatchMode.AUTO, 100, Duration.ofSeconds(30), true, Duration.ofHours(24), true, 2,
                false);
    }

    public BatchConfig withThreshold(int threshold) {
        return new BatchConfig(mode, threshold, pollInterval, waitForCompletion, deadline, cancelAtDeadline,
                maxRetries, cancelOnInterrupt);
    }

    public BatchConfig withPollInterval(Duration pollInterval) {
        return new BatchConfig(mode, threshold, pollInterval, waitForCompletion, deadline, cancelAtDeadline,
                maxRetries, cancelOnInterrupt);
    }

    public BatchConfig withDeadline(Duration deadline, boolean cancelAtDeadline) {
        return new BatchConfig(mode, threshold, pollInterval, waitForCompletion, deadline, cancelAtDeadline,
                maxRetries, cancelOnInterrupt);
    }

    public BatchConfig withMaxRetries(int maxRetries) {
        return new BatchConfig(mode, threshold, pollInterval, waitForCompletion, deadline, cancelAtDeadline,
                maxRetries, cancelOnInterrupt);
    }

    public BatchConfig withCancelOnInterrupt(boolean cancelOnInterrupt) {
        return new BatchConfig(mode, threshold, pollInterval, waitForCompletion, deadline, cancelAtDeadline,
                maxRetries, cancelOnInterrupt);
    }
}
