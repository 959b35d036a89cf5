package dev.evalunit.internal.batch;

import static org.apiguardian.api.API.Status.INTERNAL;

import org.apiguardian.api.API;

/**
 * A batch's {@code request_counts}: how many of its requests are done so far. Immutable.
 *
 * @param total     requests in the batch
 * @param completed answered successfully
 * @param failed    failed
 */
@API(status = INTERNAL, since = "0.1")
public record RequestCounts(long total, long completed, long failed) {

    public static final RequestCounts NONE = new RequestCounts(0, 0, 0);

    /** Requests neither completed nor failed yet. */
    public long pending() {
        return Math.max(0, total - completed - failed);
    }

    RequestCounts plus(RequestCounts other) {
        return new RequestCounts(total + other.total, completed + other.completed, failed + other.failed);
    }

    @Override
    public String toString() {
        return completed + " of " + total + " done, " + failed + " failed";
    }
}
