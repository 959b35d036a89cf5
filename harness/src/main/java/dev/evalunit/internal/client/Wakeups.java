package dev.evalunit.internal.client;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Where a throttle schedules its own wake-up when the buckets will have refilled. A seam so tests
 * run the wake-ups by hand against a fake clock instead of sleeping.
 */
@FunctionalInterface
public interface Wakeups {

    /** Runs {@code task} once, {@code delayNanos} from now. */
    void schedule(Runnable task, long delayNanos);

    /** Wake-ups on a real scheduler. */
    static Wakeups on(ScheduledExecutorService scheduler) {
        return (task, delayNanos) -> scheduler.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
    }
}
