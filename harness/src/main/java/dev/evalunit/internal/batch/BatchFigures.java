package dev.evalunit.internal.batch;

import static org.apiguardian.api.API.Status.INTERNAL;

import org.apiguardian.api.API;

/**
 * What batching did in a run, for the summary. Immutable.
 *
 * @param batches          batches created or resumed in this run
 * @param answered         requests answered from batches
 * @param failed           batch lines that failed (some were retried)
 * @param sentToRealTime   requests sent in real time instead: few failed lines, or at the deadline
 * @param costUsd          what the batch answers cost, at the batch price
 * @param realTimeCostUsd  what the same answers would have cost in real time
 */
@API(status = INTERNAL, since = "0.1")
public record BatchFigures(int batches, long answered, long failed, long sentToRealTime, double costUsd,
                           double realTimeCostUsd) {

    /** What batching saved against real time, in US dollars. */
    public double savingUsd() {
        return realTimeCostUsd - costUsd;
    }
}
