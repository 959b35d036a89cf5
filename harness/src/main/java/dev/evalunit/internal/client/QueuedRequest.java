package dev.evalunit.internal.client;

import dev.evalunit.Priority;
import java.util.concurrent.CompletableFuture;

/**
 * A request in a {@link ModelThrottle}'s queue, waiting for its permit, and once sent, what the throttle noted as
 * it left (to learn from the answer). Not thread-safe: its fields are guarded by the throttle's lock, except
 * the future, which completes outside it.
 *
 * <p>It orders by priority, then by the caller's {@code order} (a retry keeps its first attempt's place), then
 * by arrival.
 */
final class QueuedRequest implements Comparable<QueuedRequest> {
    final Priority priority;
    final long tokens;
    final CompletableFuture<ModelThrottle.Permit> future = new CompletableFuture<>();
    final long order;
    /** What {@link ModelThrottle#cancelQueued} picks it out by, or {@code null}. */
    final Object tag;
    long sequence;
    long sentAt;
    int inFlightAtSend;
    /** The buckets when it was sent; {@code null} while it was not. */
    RateBuckets.AtSend atSend;

    QueuedRequest(Priority priority, long tokens, long order, Object tag) {
        this.priority = priority;
        this.tokens = tokens;
        this.order = order;
        this.tag = tag;
    }

    @Override
    public int compareTo(QueuedRequest other) {
        int byPriority = priority.compareTo(other.priority);
        if (byPriority != 0) {
            return byPriority;
        }
        int byOrder = Long.compare(order, other.order);
        return byOrder != 0 ? byOrder : Long.compare(sequence, other.sequence);
    }
}
