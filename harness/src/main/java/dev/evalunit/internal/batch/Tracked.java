package dev.evalunit.internal.batch;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A batch this run follows: one ledger entry and the requests it answers for this run. Mutated on
 * the coordinator's thread; the volatile fields are read by any thread (status and progress).
 */
final class Tracked {

    final String ledgerId;
    final String model;
    final int round;
    /** How many requests its input holds, wanted or not. */
    final int size;
    /** The requests this run waits for from it. */
    final Set<String> ids;
    /** Its estimated cost at the batch price, all {@link #size} requests, as planned (the ledger's). */
    final double estimatedUsd;
    /** Its estimate reserved against the budget by this run, or 0. */
    final double reservedUsd;
    volatile String batchId;
    volatile BatchInfo info;
    /** Collected, or given up at the deadline: no longer polled. */
    volatile boolean finished;
    double costUsd;
    /** Its answers handed over in this run, over every attempt to collect it. */
    long handedOver;

    Tracked(String ledgerId, String model, int round, int size, Set<String> ids, double estimatedUsd,
            double reservedUsd) {
        this.ledgerId = ledgerId;
        this.model = model;
        this.round = round;
        this.size = size;
        this.ids = new LinkedHashSet<>(ids);
        this.estimatedUsd = estimatedUsd;
        this.reservedUsd = reservedUsd;
    }

    /** Whether every request of its input is one this run waits for, so collecting it finishes it for good. */
    boolean complete() {
        return ids.size() == size;
    }

    BatchStatus status() {
        BatchInfo i = info;
        return i == null ? (batchId == null ? BatchStatus.UNKNOWN : BatchStatus.VALIDATING) : i.status();
    }

    String name() {
        return batchId != null ? "batch " + batchId + " (ledger id " + ledgerId + ")" : "batch with ledger id " + ledgerId;
    }
}
