package dev.evalunit.internal.batch;

import dev.evalunit.LlmException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The calls of a provider's batch API that batching needs, and nothing of HTTP, in the words of OpenAI's Files and
 * Batches APIs. Failures are {@link LlmException}s, classified as the real-time client's are; implementations retry
 * transient ones (5xx, 429 rate limits, timeouts, resets) a few times before throwing. Implementations are
 * thread-safe. {@link OpenAiBatchApi} talks to OpenAI; {@link AnthropicBatchApi} to Anthropic's Message Batches,
 * which have no files (its requests travel in the create call) and no metadata.
 */
interface BatchApi {

    /**
     * The {@link LlmException#errorCode()} of a create failure that certainly created nothing: no attempt reached the
     * server (the connection was refused, the host unknown), so there is no batch to look for.
     */
    String NOT_REACHED = "evalunit_not_reached";

    /** Where it sends, as a message may name it: the base URL. */
    default String endpoint() {
        return "the Batch API";
    }

    /** What it is called in a message: {@code the Batch API}. */
    default String name() {
        return "the Batch API";
    }

    /** The setting of {@link #endpoint()}, which a message about an endpoint never reached names. */
    default String endpointKey() {
        return "evalunit.openai.base-url";
    }

    /**
     * Whether {@link #upload} sends the file to the API. When it does not (Anthropic's), an upload that succeeded
     * says nothing of whether the API can be reached.
     */
    default boolean uploads() {
        return true;
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

    /**
     * As {@link #create(String, Map)}, told the batches the ledger names, which an implementation that looks for an
     * earlier attempt's batch by what it can see of it (not by its metadata) rules out.
     */
    default BatchInfo create(String inputFileId, Map<String, String> metadata, Set<String> known) {
        return create(inputFileId, metadata);
    }

    /**
     * The batch a create whose outcome is unknown (a timeout, a 5xx after every retry, a run killed before it
     * recorded the answer) made, if it made one: here, the batch created since {@code since} that carries
     * {@code ledgerId} in its metadata, which identifies it for certain.
     *
     * @param requests how many requests the batch holds
     * @param since    a little before the create was asked
     * @param known    the batches the ledger names, which are not it
     */
    default Optional<BatchInfo> findCreated(String ledgerId, int requests, Instant since, Set<String> known) {
        return list(since).stream().filter(b -> ledgerId.equals(b.metadata().get(BatchInfo.LEDGER_ID))).findFirst();
    }

    /** The batch as it is now. */
    BatchInfo retrieve(String batchId);

    /** The batches created at or after {@code since} (all pages), newest first. */
    List<BatchInfo> list(Instant since);

    /** Asks the API to cancel the batch; it goes through {@code cancelling} to {@code cancelled}. */
    BatchInfo cancel(String batchId);

    /** Writes the content of a file (an output or error file) to {@code target}, replacing it. */
    void download(String fileId, Path target);
}
