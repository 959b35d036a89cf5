package dev.evalunit.simulator;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Locale;
import java.util.Map;
import org.apiguardian.api.API;

/**
 * A batch as the simulator holds it at one moment, for tests: {@link OpenAiSimulator#batches()}.
 * Immutable.
 *
 * @param id           the batch id, {@code batch_...}
 * @param status       its status now
 * @param model        the model of its requests, or {@code null} before validation
 * @param inputFileId  the uploaded input file
 * @param total        how many requests it holds (0 until validated)
 * @param completed    how many have completed successfully so far
 * @param failed       how many have failed so far
 * @param outputFileId the output file once the batch has ended with at least one success, else {@code null}
 * @param errorFileId  the error file once the batch has ended with at least one failed, expired or
 *                     cancelled request, else {@code null}
 * @param metadata     the metadata it was created with, never {@code null}
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record SimulatedBatch(String id, Status status, String model, String inputFileId, int total, int completed,
                             int failed, String outputFileId, String errorFileId, Map<String, String> metadata) {

    public SimulatedBatch {
        metadata = Map.copyOf(metadata);
    }

    /** OpenAI's batch statuses; {@link #wireName()} is how the API writes each. */
    public enum Status {
        VALIDATING, FAILED, IN_PROGRESS, FINALIZING, COMPLETED, EXPIRED, CANCELLING, CANCELLED;

        /** The status as the API writes it, e.g. {@code in_progress}. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Whether the batch has ended and will not change again. */
        public boolean terminal() {
            return this == FAILED || this == COMPLETED || this == EXPIRED || this == CANCELLED;
        }
    }
}
