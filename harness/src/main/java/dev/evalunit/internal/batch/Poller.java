package dev.evalunit.internal.batch;

import dev.evalunit.LlmException;
import dev.evalunit.config.Durations;
import java.util.List;

/**
 * One round of polling: checks each batch this run follows, records status changes, collects the
 * batches that ended, and at the deadline sends what is unanswered to real time. Runs on the
 * coordinator's thread.
 */
final class Poller {

    private static final System.Logger LOG = System.getLogger(Poller.class.getName());

    private final BatchCoordinator c;

    Poller(BatchCoordinator c) {
        this.c = c;
    }

    /** Checks every batch not finished, collects the finished ones, and applies the deadline. */
    void poll() {
        for (Tracked t : c.batches.values()) {
            if (c.closed) {
                return;
            }
            if (t.finished || t.batchId == null) {
                continue;
            }
            BatchInfo info;
            try {
                info = c.api.retrieve(t.batchId);
                c.reached = true;
            } catch (LlmException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot check " + t.name() + ": " + e.getMessage());
                continue;
            }
            update(t, info);
            if (info.status().terminal()) {
                new Collector(c, t, info).collect();
            }
        }
        if (!c.clock.instant().isBefore(c.deadline)) {
            atDeadline();
        }
    }

    /** Records a status change in the ledger; counts alone change too often to be worth a line. */
    void update(Tracked t, BatchInfo info) {
        BatchInfo before = t.info;
        t.info = info;
        if (before == null || before.status() != info.status()) {
            c.ledger.status(t.ledgerId, info);
            LOG.log(System.Logger.Level.DEBUG, t.name() + " is " + info.status().wireName() + ": " + info.counts());
        }
    }

    private void atDeadline() {
        for (Tracked t : c.batches.values()) {
            if (t.finished) {
                continue;
            }
            t.finished = true;
            List<Pending> waiting = c.requests.waitingOn(t);
            if (c.config.cancelAtDeadline() && t.batchId != null && !t.status().terminal()) {
                cancel(t, "deadline");
            }
            c.budget.settle(t.reservedUsd, 0);
            if (!waiting.isEmpty()) {
                LOG.log(System.Logger.Level.WARNING, t.name() + " is not done at the deadline ("
                        + Durations.format(c.config.deadline()) + " after the run started); its " + waiting.size()
                        + " unanswered requests are sent in real time"
                        + (c.config.cancelAtDeadline() ? " and it was cancelled" : ", and it keeps running"));
                c.outcomes.toRealTime(waiting);
            }
        }
    }

    void cancel(Tracked t, String reason) {
        try {
            c.ledger.cancelled(t.ledgerId, t.batchId, reason);
            t.info = c.api.cancel(t.batchId);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot cancel " + t.name() + ": " + c.redactor.redact(e.getMessage()));
        }
    }
}
