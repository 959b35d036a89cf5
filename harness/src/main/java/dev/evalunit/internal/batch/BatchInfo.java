package dev.evalunit.internal.batch;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the Batch API says about one batch. Immutable.
 *
 * @param id           the batch id, {@code batch_...}
 * @param status       its status
 * @param inputFileId  the uploaded input file
 * @param outputFileId the file of successful lines, once there is one, else {@code null}
 * @param errorFileId  the file of failed lines, once there is one, else {@code null}
 * @param counts       its {@code request_counts}
 * @param metadata     its metadata; evalunit's batches carry {@link #LEDGER_ID}
 * @param createdAt    when it was created
 * @param finishedAt   when it completed, failed, expired or was cancelled, else {@code null}
 * @param errors       why a {@link BatchStatus#FAILED} batch failed ({@code errors.data[].message}, with code and line)
 */
record BatchInfo(String id, BatchStatus status, String inputFileId, String outputFileId, String errorFileId,
                        RequestCounts counts, Map<String, String> metadata, Instant createdAt, Instant finishedAt,
                        List<String> errors) {

    /** The metadata key under which evalunit stores the ledger id of a batch it creates. */
    public static final String LEDGER_ID = "evalunit_ledger_id";

    public BatchInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(status, "status");
        counts = counts == null ? RequestCounts.NONE : counts;
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        errors = errors == null ? List.of() : List.copyOf(errors);
    }

    /** The ledger id evalunit gave the batch, if it has one. */
    public Optional<String> ledgerId() {
        return Optional.ofNullable(metadata.get(LEDGER_ID));
    }
}
