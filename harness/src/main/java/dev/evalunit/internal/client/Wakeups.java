package dev.evalunit.internal.client;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apiguardian.api.API;

/**
 * Where a throttle schedules its own wake-up when the buckets will have refilled. A seam so tests
 * run the wake-ups by hand against a fake clock instead of sleeping.
 */
@FunctionalInterface
@API(status = INTERNAL, since = "0.1")
interface Wakeups {

    /** Runs {@code task} once, {@code delayNanos} from now. */
    void schedule(Runnable task, long delayNanos);

    /** Wake-ups on a real scheduler. */
    static Wakeups on(ScheduledExecutorService scheduler) {
        return (task, delayNanos) -> scheduler.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
    }
}
