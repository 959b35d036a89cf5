package dev.evalunit.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Routing to and waiting on OpenAI's Batch API. Immutable.
 *
 * @param mode              realtime, batch or auto; default auto
 * @param threshold         in auto mode, the fewest eligible invocations worth a batch, &gt; 0; default 100
 * @param pollInterval      time between status checks of a running batch, &gt; 0; default 30s
 * @param waitForCompletion whether a test waits for its batch; if not it is aborted with the batch id; default true
 * @param deadline          how long a run waits for a batch at most, &gt; 0; default 24h
 * @param cancelAtDeadline  whether a batch still running at the deadline is cancelled; default false
 */
public record BatchConfig(BatchMode mode, int threshold, Duration pollInterval, boolean waitForCompletion,
                          Duration deadline, boolean cancelAtDeadline) {

    public BatchConfig {
        Objects.requireNonNull(mode, "mode");
        Checks.range("threshold", threshold, 1, Integer.MAX_VALUE);
        Checks.positive("pollInterval", pollInterval);
        Checks.positive("deadline", deadline);
    }

    public static BatchConfig defaults() {
        return new BatchConfig(BatchMode.AUTO, 100, Duration.ofSeconds(30), true, Duration.ofHours(24), false);
    }
}
