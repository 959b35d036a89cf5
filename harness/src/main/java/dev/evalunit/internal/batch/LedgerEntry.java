package dev.evalunit.internal.batch;

import java.time.Instant;

/**
 * The last known state of one batch in the ledger: the fold of its lines. Immutable.
 *
 * @param ledgerId     evalunit's id of the batch, also in the batch's metadata
 * @param model        the model of its requests
 * @param requests     how many requests its input file holds
 * @param input        the input file's name, in the ledger's directory
 * @param ids          the name of the side file of custom ids and request hashes
 * @param sha256       hex SHA-256 of the input file
 * @param round        0 for a first submission, n for the n-th retry of failed lines
 * @param estimatedUsd its estimated cost at the batch price, as reserved against the budget
 * @param plannedAt    when it was planned
 * @param fileId       the uploaded input file's id, or {@code null} before the upload was recorded
 * @param batchId      the batch id, or {@code null} before its creation was recorded
 * @param status       the last status recorded, or {@code null}
 * @param counts       the last request counts recorded
 * @param cancelled    whether evalunit asked for it to be cancelled
 * @param collected    whether its answers were handed over and its failures dealt with: nothing more to do
 * @param abandoned    why it will never be created (its requests went elsewhere), or {@code null}
 * @param origin       where it was created ({@code simulated}, {@code live api.openai.com/v1}), or {@code null}
 *                     when the ledger line predates origins
 */
record LedgerEntry(String ledgerId, String model, int requests, String input, String ids, String sha256,
                          int round, double estimatedUsd, Instant plannedAt, String fileId, String batchId,
                          BatchStatus status, RequestCounts counts, boolean cancelled, boolean collected,
                          String abandoned, String origin) {

    /** How far it got. */
    public enum Phase {
        /** Input written; not known to be uploaded. */
        PLANNED,
        /** Input uploaded; not known to be created (it may have been, just before a crash). */
        UPLOADED,
        /** The batch exists. */
        CREATED,
        /** Collected or abandoned: nothing more to do. */
        DONE
    }

    public Phase phase() {
        if (collected || abandoned != null) {
            return Phase.DONE;
        }
        if (batchId != null) {
            return Phase.CREATED;
        }
        return fileId != null ? Phase.UPLOADED : Phase.PLANNED;
    }

    LedgerEntry with(LedgerRecord r) {
        String file = r.fileId() != null ? r.fileId() : fileId;
        String batch = r.batchId() != null ? r.batchId() : batchId;
        BatchStatus s = r.status() != null ? BatchStatus.of(r.status()) : status;
        RequestCounts c = r.total() != null
                ? new RequestCounts(r.total(), nonNull(r.completed()), nonNull(r.failed())) : counts;
        return new LedgerEntry(ledgerId, model, requests, input, ids, sha256, round, estimatedUsd, plannedAt, file,
                batch, s, c, cancelled || LedgerRecord.CANCELLED.equals(r.event()),
                collected || LedgerRecord.COLLECTED.equals(r.event()),
                LedgerRecord.ABANDONED.equals(r.event()) ? String.valueOf(r.reason()) : abandoned, origin);
    }

    static LedgerEntry planned(LedgerRecord r) {
        return new LedgerEntry(r.ledgerId(), r.model(), r.requests() == null ? 0 : r.requests(), r.input(), r.ids(),
                r.sha256(), r.round() == null ? 0 : r.round(), r.estimatedUsd() == null ? 0 : r.estimatedUsd(),
                r.at() == null ? null : Instant.parse(r.at()), null, null, null, RequestCounts.NONE, false, false, null,
                r.origin());
    }

    private static long nonNull(Long n) {
        return n == null ? 0 : n;
    }
}
