package dev.evalunit.internal.batch;

import static org.apiguardian.api.API.Status.INTERNAL;

import org.apiguardian.api.API;

/**
 * Where one request stands, without waiting: what {@code -Devalunit.batch.wait=false} reports when it
 * aborts an invocation. Immutable.
 *
 * @param customId    the request's custom id
 * @param state       where it stands
 * @param ledgerId    the ledger id of its batch, or {@code null} when it is in none
 * @param batchId     its batch's id, or {@code null} when it is in none or the batch is not created yet
 * @param batchStatus its batch's last known status, or {@code null}
 * @param counts      its batch's last known request counts
 */
@API(status = INTERNAL, since = "0.1")
public record ItemStatus(String customId, State state, String ledgerId, String batchId, BatchStatus batchStatus,
                         RequestCounts counts) {

    /** Where a request stands. */
    public enum State {
        /** Known, not yet in a batch: submission is under way. */
        QUEUED,
        /** Waiting for its batch. */
        IN_BATCH,
        /** Sent in real time (a retry of a failed line, or at the deadline). */
        REAL_TIME,
        /** Answered: its future is complete. */
        DONE,
        /** Failed for good: its future failed. */
        FAILED,
        /** Not known to the coordinator (never submitted, or answered and already handed over). */
        UNKNOWN
    }

    /** Whether its future is complete, with an answer or a failure. */
    public boolean done() {
        return state == State.DONE || state == State.FAILED;
    }

    /**
     * A sentence for a report, e.g. {@code waiting for batch batch_abc (in_progress: 120 of 500 done, 3
     * failed); run again to collect it}.
     */
    public String describe() {
        return switch (state) {
            case IN_BATCH -> "waiting for batch " + (batchId != null ? batchId : "(being created, ledger id " + ledgerId + ")")
                    + " (" + (batchStatus == null ? "submitted" : batchStatus.wireName()) + ": " + counts
                    + "); run again to collect it";
            case QUEUED -> "waiting to be submitted in a batch";
            case REAL_TIME -> "sent in real time";
            case DONE -> "answered";
            case FAILED -> "failed";
            case UNKNOWN -> "not submitted in a batch";
        };
    }
}
