package dev.evalunit.simulator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Random;

/**
 * Anthropic's message batches of one simulator, oldest first, and the seeded draws that decide which of their
 * requests fail ({@link BatchOptions#failedLineShare()}), kept apart from OpenAI's batches. Thread-safe: the map and
 * the draws are guarded by the store's lock; each batch guards itself.
 */
final class MessageBatchStore {

    private final Messages messages;
    private final LinkedHashMap<String, SimMessageBatch> batches = new LinkedHashMap<>();
    private Random draws;

    MessageBatchStore(Messages messages, long seed) {
        this.messages = messages;
        this.draws = new Random(seed);
    }

    /** Creates a batch of {@code entries}; the draws are taken in creation order, as {@link BatchStore} takes them. */
    synchronized SimMessageBatch create(List<SimMessageBatch.Entry> entries, SimulatorOptions options, long nowNanos,
                                        long epochOffsetNanos) {
        boolean[] serverErrors = new boolean[entries.size()];
        double share = options.batch().failedLineShare();
        if (share > 0) {
            for (int i = 0; i < serverErrors.length; i++) {
                serverErrors[i] = draws.nextDouble() < share;
            }
        }
        SimMessageBatch batch = new SimMessageBatch(AnthropicFormat.batchId(), entries, serverErrors, options, messages,
                nowNanos, epochOffsetNanos);
        batches.put(batch.id, batch);
        return batch;
    }

    /** The batch, or {@code null} when there is none of that id. */
    synchronized SimMessageBatch get(String id) {
        return batches.get(id);
    }

    synchronized List<SimMessageBatch> oldestFirst() {
        return new ArrayList<>(batches.values());
    }

    synchronized void remove(String id) {
        batches.remove(id);
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
