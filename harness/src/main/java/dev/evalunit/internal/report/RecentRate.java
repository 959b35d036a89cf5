package dev.evalunit.internal.report;

import java.util.OptionalDouble;
import java.util.function.LongSupplier;

/**
 * The recent rate of invocations that waited on a request of their own: what the rest of a run will go at,
 * unlike the run's average, which answers replayed from a checkpoint or collected from a batch (thousands a
 * second) inflate. Thread-safe; {@link #record} and {@link #perSecond} lock briefly.
 *
 * <p>It keeps the times of the last {@value #CAPACITY} such completions and counts those of the last
 * {@value #WINDOW_SECONDS} seconds. A rate is known once they span {@value #MIN_SPAN_SECONDS} seconds (so
 * the first burst of concurrent answers does not pass for the pace), or fill the buffer (a fast simulator).
 * With none in the window (a long wait on a batch or a quota) there is no rate, rather than a stale one.
 */
final class RecentRate {

    static final int CAPACITY = 512;
    static final long WINDOW_SECONDS = 60;
    static final long MIN_SPAN_SECONDS = 10;
    private static final long WINDOW_NANOS = WINDOW_SECONDS * 1_000_000_000L;
    private static final long MIN_SPAN_NANOS = MIN_SPAN_SECONDS * 1_000_000_000L;

    private final LongSupplier nanoTime;
    /** Completion times on {@link #nanoTime}, a ring: {@code next} is where the next one goes. */
    private final long[] times = new long[CAPACITY];
    private int next;
    private int size;

    RecentRate(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** One invocation that waited on the network finished now. */
    synchronized void record() {
        // Read under the lock, so the ring stays in time order however many threads record at once.
        times[next] = nanoTime.getAsLong();
        next = (next + 1) % CAPACITY;
        size = Math.min(size + 1, CAPACITY);
    }

    /**
     * Completions per second over the window ending at {@code now}: those in it less one, over the time from
     * the oldest to {@code now}, so a pause since the last completion slows it. Empty until known (see above).
     */
    synchronized OptionalDouble perSecond(long now) {
        int inWindow = 0;
        long oldest = now;
        // Newest first; the times are in order, so the first one outside the window ends the count.
        for (int i = 1; i <= size; i++) {
            long t = times[Math.floorMod(next - i, CAPACITY)];
            if (now - t > WINDOW_NANOS) {
                break;
            }
            inWindow++;
            oldest = t;
        }
        long span = now - oldest;
        if (inWindow < 2 || span <= 0 || (span < MIN_SPAN_NANOS && inWindow < CAPACITY)) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of((inWindow - 1) * 1e9 / span);
    }
}
