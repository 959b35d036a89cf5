package dev.evalunit.internal.batch;

import java.util.concurrent.CompletableFuture;

/**
 * One submitted request until its answer is handed over: its future, and where it waits. The
 * coordinator's thread moves it; any thread may read it.
 */
final class Pending {

    final BatchItem item;
    final CompletableFuture<BatchCoordinator.Delivered> future = new CompletableFuture<>();
    final long startedNanos;
    /** The batch it waits on, or {@code null}. */
    volatile Tracked owner;
    volatile ItemStatus.State state = ItemStatus.State.QUEUED;
    /** Times it was submitted, in batches or in real time, this run and (for resumed batches) before. */
    int attempts;
    /** Whether its future was handed to the caller; it is forgotten once handed over and complete. */
    boolean taken;

    Pending(BatchItem item, long startedNanos) {
        this.item = item;
        this.startedNanos = startedNanos;
    }

    String id() {
        return item.customId();
    }

    ItemStatus status() {
        Tracked t = owner;
        ItemStatus.State s = future.isDone() ? (future.isCompletedExceptionally() ? ItemStatus.State.FAILED
                : ItemStatus.State.DONE) : state;
        if (t == null || s != ItemStatus.State.IN_BATCH && s != ItemStatus.State.QUEUED) {
            return new ItemStatus(id(), s, null, null, null, RequestCounts.NONE);
        }
        BatchInfo info = t.info;
        return new ItemStatus(id(), ItemStatus.State.IN_BATCH, t.ledgerId, t.batchId,
                info == null ? null : info.status(), info == null ? RequestCounts.NONE : info.counts());
    }
}
