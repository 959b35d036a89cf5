package dev.evalunit.simulator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The batches of one simulator, oldest first, and the seeded draws that decide which batches and which
 * requests fail. Thread-safe: the map and the draws are guarded by the store's lock; each batch guards
 * itself.
 */
final class BatchStore {

    private final FileStore files;
    private final ChatCompletions chat;
    private final LinkedHashMap<String, SimBatch> batches = new LinkedHashMap<>();
    private Random draws;

    BatchStore(FileStore files, ChatCompletions chat, long seed) {
        this.files = files;
        this.chat = chat;
        this.draws = new Random(seed);
    }

    /**
     * Creates a batch from an uploaded file. The draws are taken in creation order, so a test that creates
     * its batches one after another sees the same failures on every run.
     */
    SimBatch create(FileStore.StoredFile inputFile, String endpoint, Map<String, String> metadata,
                    SimulatorOptions options, long nowNanos, long epochOffsetNanos) {
        BatchOptions batch = options.batch();
        BatchInput input = BatchInput.read(inputFile.content(), endpoint, batch);
        boolean[] serverErrors = new boolean[input.requests().size()];
        BatchInput.Error failure = null;
        synchronized (this) {
            if (batch.failedBatchShare() > 0 && draws.nextDouble() < batch.failedBatchShare()) {
                failure = new BatchInput.Error("token_limit_exceeded", "Enqueued token limit reached for "
                        + (input.model() == null ? "this model" : input.model()) + " in organization "
                        + ChatCompletions.ORGANIZATION + ". Limit: 2,000,000 enqueued tokens. Please try again once "
                        + "some in_progress batches have been completed.", null, null);
            }
            if (batch.failedLineShare() > 0) {
                for (int i = 0; i < serverErrors.length; i++) {
                    serverErrors[i] = draws.nextDouble() < batch.failedLineShare();
                }
            }
            SimBatch created = new SimBatch(Ids.batchId(), inputFile, endpoint, metadata, input, failure, serverErrors,
                    options, files, chat, nowNanos, epochOffsetNanos);
            batches.put(created.id, created);
            return created;
        }
    }

    /** The batch, or {@code null} when there is none of that id. */
    synchronized SimBatch get(String id) {
        return batches.get(id);
    }

    synchronized List<SimBatch> oldestFirst() {
        return new ArrayList<>(batches.values());
    }

    /** Restarts the draws from {@code seed}. */
    synchronized void reseed(long seed) {
        draws = new Random(seed);
    }

    /** Forgets every batch and restarts the draws. */
    synchronized void clear(long seed) {
        batches.clear();
        draws = new Random(seed);
    }
}
