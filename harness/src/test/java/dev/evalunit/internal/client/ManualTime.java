package dev.evalunit.internal.client;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/** A fake clock with the wake-ups scheduled against it; {@link #advance} runs those that fall due. */
final class ManualTime implements LongSupplier, Wakeups {

    private long now = 1_000_000_000L;
    private final List<long[]> dueAt = new ArrayList<>();
    private final List<Runnable> tasks = new ArrayList<>();

    @Override
    public long getAsLong() {
        return now;
    }

    @Override
    public synchronized void schedule(Runnable task, long delayNanos) {
        dueAt.add(new long[] {now + delayNanos});
        tasks.add(task);
    }

    /** The earliest pending wake-up, in nanoseconds from now, or -1 when none is pending. */
    synchronized long nextWakeIn() {
        return dueAt.stream().mapToLong(d -> d[0] - now).min().orElse(-1);
    }

    /** The wake-ups scheduled and not yet run. */
    synchronized int pending() {
        return dueAt.size();
    }

    void advanceMillis(long millis) {
        advance(millis * 1_000_000L);
    }

    void advance(long nanos) {
        now += nanos;
        List<Runnable> due = new ArrayList<>();
        synchronized (this) {
            for (int i = dueAt.size() - 1; i >= 0; i--) {
                if (dueAt.get(i)[0] <= now) {
                    dueAt.remove(i);
                    due.add(0, tasks.remove(i));
                }
            }
        }
        due.forEach(Runnable::run);
    }
}
