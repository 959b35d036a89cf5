package dev.evalunit.internal.batch;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.evalunit.EvalunitException;
import org.apiguardian.api.API;

/**
 * The request's batch had not finished when the run stopped waiting for it: the run was interrupted,
 * or ended with {@code -Devalunit.batch.wait=false}. The batch keeps running (unless it was cancelled)
 * and is recorded in the ledger, so the next run collects its answers instead of sending the request
 * again. {@link #status()} says which batch and how far it got.
 */
@API(status = INTERNAL, since = "0.1")
public final class BatchPendingException extends EvalunitException {

    private final ItemStatus status;

    BatchPendingException(ItemStatus status, String why) {
        this(why + ": " + status.customId() + " is " + status.describe(), status);
    }

    private BatchPendingException(String message, ItemStatus status) {
        super(message);
        this.status = status;
    }

    /** The run does not wait for batches ({@code evalunit.batch.wait=false}): the message is where the request stands. */
    public static BatchPendingException notWaitedFor(ItemStatus status) {
        return new BatchPendingException(status.describe(), status);
    }

    /** Where the request stood when the run stopped waiting. */
    public ItemStatus status() {
        return status;
    }
}
