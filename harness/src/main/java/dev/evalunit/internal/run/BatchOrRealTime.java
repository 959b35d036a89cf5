package dev.evalunit.internal.run;

import dev.evalunit.ChatRequest;
import dev.evalunit.config.BatchConfig;
import dev.evalunit.config.BatchMode;
import dev.evalunit.config.ConfigKeys;
import dev.evalunit.config.EvalConfig;
import dev.evalunit.config.ModelPrice;
import dev.evalunit.internal.batch.BatchItem;
import dev.evalunit.internal.client.RequestEstimate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a run's eligible requests go to the Batch API or to real time, and why, in the words the run prints, with
 * the most each way could cost so the printed decision can be weighed. {@code evalunit.batch.mode} decides, or in
 * {@code auto} mode the count: requests are batched when there are at least {@code evalunit.batch.threshold} of them
 * and the run is not urgent ({@code evalunit.urgent}, or an IDE run of single tests, which cannot wait for a batch).
 * Immutable; thread-safe.
 */
final class BatchOrRealTime {

    private final EvalConfig config;
    private final BatchConfig batch;
    /** Whether the run selected single tests or invocations (an IDE's run), which cannot wait for a batch. */
    private final boolean narrow;

    BatchOrRealTime(EvalConfig config, BatchConfig batch, boolean narrow) {
        this.config = config;
        this.batch = batch;
        this.narrow = narrow;
    }

    /** Where the eligible invocations go, and why, in the words the run prints. */
    record Decision(boolean toBatches, boolean belowThreshold, String reason) {
        static Decision realTime(String why) {
            return new Decision(false, false, "real time: " + why);
        }
    }

    /** Where {@code eligible} requests go, and why. */
    Decision decide(long eligible) {
        if (batch.mode() == BatchMode.REALTIME) {
            return Decision.realTime("evalunit.batch.mode=realtime");
        }
        if (batch.mode() == BatchMode.BATCH) {
            return new Decision(true, false, "batch: evalunit.batch.mode=batch");
        }
        if (config.values().getBoolean(ConfigKeys.URGENT, false)) {
            return Decision.realTime("the run is urgent (evalunit.urgent=true)");
        }
        if (narrow) {
            return Decision.realTime("an IDE run of single tests or invocations is urgent");
        }
        if (eligible < batch.threshold()) {
            return new Decision(false, true, "real time: fewer than evalunit.batch.threshold=" + batch.threshold());
        }
        return new Decision(true, false, "batch: auto, at least evalunit.batch.threshold=" + batch.threshold()
                + " and the run is not urgent");
    }

    /** What the follow-ups of the answers would add, and the assumption it rests on; empty when there are none. */
    String followUpCosts(List<BatchItem> followUps) {
        if (followUps.isEmpty()) {
            return "";
        }
        return String.format(Locale.US, "; their %,d follow-ups ", followUps.size())
                + costs(Map.of("", followUps)).replace("at most ", "at most another ")
                + " (assuming each answer as long as its max_tokens allows)";
    }

    /** The most each way could cost: prompt tokens counted, every answer as long as allowed. */
    String costs(Map<String, List<BatchItem>> bySuite) {
        double realTime = 0;
        double batched = 0;
        boolean priced = false;
        for (List<BatchItem> items : bySuite.values()) {
            for (BatchItem item : items) {
                Optional<ModelPrice> price = config.prices().forModel(item.model());
                if (price.isEmpty()) {
                    continue;
                }
                priced = true;
                ChatRequest r = item.request();
                RequestEstimate estimate = RequestEstimate.of(item.model(), r);
                realTime += estimate.costUsd(price, false);
                batched += estimate.costUsd(price, true);
            }
        }
        return priced ? String.format(Locale.US, "at most $%.4f in real time, $%.4f in batches", realTime, batched)
                : "cost unknown (no price for the model)";
    }
}
