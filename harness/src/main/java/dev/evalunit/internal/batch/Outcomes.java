package dev.evalunit.internal.batch;

import dev.evalunit.Completion;
import dev.evalunit.internal.client.Failures;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * How a request ends: answered, failed for good, or sent again (in a new batch or in real time), and
 * the figures of it. Called on the coordinator's thread, except the completions of real-time answers.
 */
final class Outcomes {

    private static final System.Logger LOG = System.getLogger(Outcomes.class.getName());

    /** A request whose line failed, or whose batch could not be submitted. */
    record Failure(Pending pending, Throwable error, boolean retry) {
    }

    final LongAdder answered = new LongAdder();
    final LongAdder failed = new LongAdder();
    final LongAdder failedLines = new LongAdder();
    final LongAdder sentToRealTime = new LongAdder();
    final DoubleAdder costUsd = new DoubleAdder();
    final DoubleAdder realTimeCostUsd = new DoubleAdder();

    private final BatchCoordinator c;

    Outcomes(BatchCoordinator c) {
        this.c = c;
    }

    /** Hands {@code completion} over; {@code batchId} is the batch that gave it, or {@code null} for real time. */
    void complete(Pending p, Completion completion, String batchId) {
        p.state = ItemStatus.State.DONE;
        p.future.complete(new BatchCoordinator.Delivered(completion, batchId));
        c.requests.forgetIfHandedOver(p);
    }

    void fail(Pending p, Throwable error) {
        Throwable cause = Failures.unwrap(error);
        if (p.future.completeExceptionally(cause)) {
            failed.increment();
        }
        p.state = ItemStatus.State.FAILED;
        c.requests.forgetIfHandedOver(p);
    }

    /**
     * Sends each failure's request again when it may be retried and has attempts left, else fails it:
     * in a new batch of round {@code round} when at least the threshold are and the deadline is ahead,
     * else in real time.
     */
    void retryOrFail(List<Failure> failures, int round) {
        List<Pending> again = new ArrayList<>();
        for (Failure f : failures) {
            Pending p = f.pending();
            if (p.future.isDone()) {
                continue;
            }
            if (f.retry() && p.attempts <= c.config.maxRetries() && !c.closed) {
                again.add(p);
            } else {
                fail(p, f.error());
            }
        }
        if (again.isEmpty()) {
            return;
        }
        boolean late = !c.clock.instant().isBefore(c.deadline);
        if (late || again.size() < c.config.threshold()) {
            LOG.log(System.Logger.Level.INFO, again.size() + " failed batch requests are sent again in real time"
                    + (late ? " (the deadline has passed)" : " (fewer than evalunit.batch.threshold = "
                    + c.config.threshold() + ")"));
            toRealTime(again);
        } else {
            LOG.log(System.Logger.Level.INFO, again.size() + " failed batch requests are sent again in a new batch");
            new Submission(c).submitNew(again, round);
        }
    }

    /** Sends the requests in real time through the fallback; their answers complete their futures. */
    void toRealTime(List<Pending> pending) {
        for (Pending p : pending) {
            p.owner = null;
            p.state = ItemStatus.State.REAL_TIME;
            p.attempts++;
            sentToRealTime.increment();
            CompletableFuture<Completion> answer;
            try {
                answer = c.realtime.apply(p.item);
            } catch (RuntimeException e) {
                answer = CompletableFuture.failedFuture(e);
            }
            answer.whenComplete((completion, error) -> {
                if (error == null) {
                    complete(p, completion, null);
                } else {
                    fail(p, error);
                }
            });
        }
    }
}
