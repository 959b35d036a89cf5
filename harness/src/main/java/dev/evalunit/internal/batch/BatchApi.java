package dev.evalunit.internal.batch;

import dev.evalunit.LlmException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The calls of OpenAI's Files and Batches APIs that batching needs, and nothing of HTTP. Failures are
 * {@link LlmException}s, classified as the real-time client's are; implementations retry transient
 * ones (5xx, 429 rate limits, timeouts, resets) a few times before throwing. Implementations are
 * thread-safe. {@link OpenAiBatchApi} is the one that talks to OpenAI.
 */
interface BatchApi {

    /** Where it sends, as a message may name it: the base URL. */
    default String endpoint() {
        return "the Batch API";
    }

    /**
     * Uploads a JSONL input file with purpose {@code batch}; the API sees the file's own name.
     *
     * @return the file id, {@code file-...}
     */
    String upload(Path jsonl);

    /**
     * Creates a batch of the uploaded file for {@code /v1/chat/completions} with a 24 h completion window.
     * Safe to call again after a failure: an implementation that retries first looks for a batch
     * already carrying the same {@link BatchInfo#LEDGER_ID} and returns it instead of creating another.
     *
     * @param metadata at most 16 pairs; evalunit's include {@link BatchInfo#LEDGER_ID}
     */
    BatchInfo create(String inputFileId, Map<String, String> metadata);

    /** The batch as it is now. */
    BatchInfo retrieve(String batchId);

    /** The batches created at or after {@code since} (all pages), newest first. */
    List<BatchInfo> list(Instant since);

    /** Asks the API to cancel the batch; it goes through {@code cancelling} to {@code cancelled}. */
    BatchInfo cancel(String batchId);

    /** Writes the content of a file (an output or error file) to {@code target}, replacing it. */
    void download(String fileId, Path target);
}
