package dev.evalunit.internal.batch;

import dev.evalunit.internal.concurrent.DaemonThreads;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Where a coordinator's work runs: on a scheduler of its own or one shared by several coordinators, its
 * steps one at a time (submitting, polling, collecting all touch the ledger and the requests), polling
 * repeated at a fixed delay, and a stop that waits for the step under way instead of interrupting it, since
 * a ledger write interrupted mid-way would be torn. Thread-safe.
 */
final class SerialScheduler {

    private final ScheduledExecutorService scheduler;
    private final boolean ownScheduler;
    /** Serializes the steps, so that a shared multi-threaded scheduler runs ours one at a time. */
    private final ReentrantLock work = new ReentrantLock();
    private final Duration pollInterval;
    private final Runnable poll;
    private ScheduledFuture<?> poller;
    private boolean stopped;

    /**
     * @param shared       a scheduler to share, not shut down by {@link #release}; {@code null} for a thread of its own
     * @param pollInterval the delay between the end of one poll and the start of the next
     * @param poll         one poll; it must not throw
     */
    SerialScheduler(ScheduledExecutorService shared, Duration pollInterval, Runnable poll) {
        this.ownScheduler = shared == null;
        this.scheduler = ownScheduler ? newScheduler() : shared;
        this.pollInterval = pollInterval;
        this.poll = poll;
    }

    private static ScheduledExecutorService newScheduler() {
        ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, DaemonThreads.named("evalunit-batches"));
        s.setRemoveOnCancelPolicy(true);
        return s;
    }

    /** Runs {@code step} on the scheduler, alone, then polls every interval from then on. {@code step} must not throw. */
    void execute(Runnable step) {
        scheduler.execute(() -> {
            alone(step);
            startPolling();
        });
    }

    /** Polls now, on the scheduler, unless it was shut down: the run is ending and nothing is collected any more. */
    void pollNow() {
        try {
            scheduler.execute(() -> alone(poll));
        } catch (RejectedExecutionException shutDown) {
            // nothing to collect for
        }
    }

    private synchronized void startPolling() {
        if (poller == null && !stopped) {
            long interval = pollInterval.toNanos();
            poller = scheduler.scheduleWithFixedDelay(() -> alone(poll), interval, interval, TimeUnit.NANOSECONDS);
        }
    }

    private void alone(Runnable step) {
        work.lock();
        try {
            step.run();
        } finally {
            work.unlock();
        }
    }

    /**
     * Stops polling and waits up to {@code grace} for the step under way to end. Returns whether it did: the
     * caller then holds the steps' lock, and whatever it does before {@link #release} runs alone.
     */
    boolean stop(Duration grace) {
        synchronized (this) {
            stopped = true;
            if (poller != null) {
                poller.cancel(false);
            }
        }
        try {
            return work.tryLock(grace.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** After {@link #stop}: lets steps run again when {@code idle}, and shuts its own scheduler down. */
    void release(boolean idle) {
        if (idle) {
            work.unlock();
        }
        if (ownScheduler) {
            scheduler.shutdown(); // never interrupt: a ledger write interrupted mid-way would be torn
        }
    }
}
