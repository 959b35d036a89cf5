package dev.evalunit.internal.batch;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.util.Map;
import org.apiguardian.api.API;

/**
 * What a progress bar shows of the batches, at one moment. Immutable.
 *
 * @param batches      batches followed in this run, by last known status
 * @param requests     the sum of their request counts, as the API last reported them
 * @param waiting      requests still waiting for a batch (queued or in one)
 * @param answered     requests answered from batches in this run
 * @param inRealTime   requests sent in real time instead (retries, the deadline) and not answered yet
 * @param failed       requests failed for good
 */
@API(status = INTERNAL, since = "0.1")
public record BatchProgress(Map<BatchStatus, Integer> batches, RequestCounts requests, int waiting, long answered,
                            int inRealTime, long failed) {

    public BatchProgress {
        batches = Map.copyOf(batches);
    }
}
