package dev.evalunit.internal.concurrent;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.util.concurrent.TimeUnit;
import org.apiguardian.api.API;

/**
 * A count of work under way (requests sent and not answered, answers not yet saved) that a closing
 * component waits on, up to a deadline: the client's close, a run's Ctrl-C. Thread-safe.
 */
@API(status = INTERNAL, since = "0.1")
public final class InFlight {

    private int count;

    /** One more piece of work has started. */
    public synchronized void enter() {
        count++;
    }

    /** One piece of work has ended. */
    public synchronized void exit() {
        count--;
        notifyAll();
    }

    /**
     * Waits until nothing is under way or {@code deadlineNanos} (on {@link System#nanoTime()}) passes, or
     * the thread is interrupted (its flag is set again); returns how many pieces are still under way.
     */
    public synchronized int awaitNone(long deadlineNanos) {
        while (count > 0) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                break;
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return count;
    }
}
