package dev.evalunit.internal.run;

import dev.evalunit.internal.client.ThrottledClient;
import dev.evalunit.config.BatchConfig;
import dev.evalunit.config.ConfigKeys;
import dev.evalunit.config.EvalConfig;
import dev.evalunit.internal.batch.AnthropicBatchApi;
import dev.evalunit.internal.batch.BatchCoordinator;
import dev.evalunit.internal.batch.BatchCoordinatorBuilder;
import dev.evalunit.internal.batch.BatchFigures;
import dev.evalunit.internal.batch.BatchItem;
import dev.evalunit.internal.batch.BatchLedger;
import dev.evalunit.internal.batch.BatchPendingException;
import dev.evalunit.internal.batch.BatchProgress;
import dev.evalunit.internal.batch.ItemStatus;
import dev.evalunit.internal.batch.OpenAiBatchApi;
import dev.evalunit.internal.batch.WebhookOptions;
import dev.evalunit.internal.checkpoint.AnswerKey;
import dev.evalunit.internal.checkpoint.CheckpointStore;
import dev.evalunit.internal.checkpoint.InvocationKey;
import dev.evalunit.internal.client.AnthropicEndpoint;
import dev.evalunit.internal.client.ModelTraits;
import dev.evalunit.internal.concurrent.DaemonThreads;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The run's batches: per suite and provider one {@link BatchCoordinator}, built when the suite's first batch to that
 * provider is submitted (OpenAI's Batch API, or Anthropic's Message Batches for the {@code anthropic:} models, each
 * with its own ledger: {@code batches/} and {@code batches/anthropic/} beside the suite's checkpoint), which
 * submits, polls, reattaches after a crash and checkpoints each answer before it is handed over; and per suite the
 * batch line each routed request and draw is asked in, whose answer every invocation asking it takes. It reads a
 * suite's ledger for the requests an earlier run put in a batch, and sums the batches up for the progress line and
 * the end of the run. Thread-safe.
 */
final class Batches {

    private static final System.Logger LOG = System.getLogger(Batches.class.getName());

    /** Polling's interval with a webhook, when it was not set: a safety net for a lost delivery. */
    static final Duration WEBHOOK_POLL_INTERVAL = Duration.ofMinutes(2);

    private final EvalConfig config;
    private final BatchConfig batch;
    private final SuiteStates states;
    private final Sender sender;
    private final ThrottledClient client;
    private final Supplier<AnthropicEndpoint> anthropic;
    private final Webhooks webhooks;
    /** By {@link #key suite and provider}. */
    private final Map<String, BatchCoordinator> coordinators = new ConcurrentHashMap<>();
    /**
     * Per suite, the requests and draws whose answers come from a batch, each with the custom id of the one
     * batch line that asks it: invocations asking the same request share that line.
     */
    private final Map<String, Map<AnswerKey, String>> routed = new ConcurrentHashMap<>();
    /** The answers of batch lines handed over, by custom id: every invocation sharing a line takes the same one. */
    private final Map<String, CompletableFuture<BatchCoordinator.Delivered>> deliveries = new ConcurrentHashMap<>();
    /** Batch items whose answer the samples of a request of n choices share, by custom id: n. */
    private final Map<String, Integer> sharedBy = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("evalunit-batches"));

    /**
     * @param batch  the batch settings, with their defaults for this run ({@link #settings})
     * @param client the run's client: its configuration addresses the Batch API, its budget counts what batches spend
     * @param sender what sends the lines a batch gives back to real time
     * @param anthropic where Anthropic's models are asked, which their Message Batches use too
     */
    Batches(EvalConfig config, BatchConfig batch, Optional<WebhookOptions> webhooks, SuiteStates states, Sender sender,
            ThrottledClient client, Supplier<AnthropicEndpoint> anthropic) {
        this.config = config;
        this.batch = batch;
        this.states = states;
        this.sender = sender;
        this.client = client;
        this.anthropic = anthropic;
        this.webhooks = new Webhooks(webhooks, batch.pollInterval());
    }

    /**
     * The poll interval when it was not set: on the built-in simulator a batch takes seconds, not hours, so
     * every second instead of every 30; with a webhook, whose event ends the wait, every 2 minutes, a safety
     * net for a lost delivery.
     */
    static BatchConfig settings(boolean simulated, boolean webhook, EvalConfig config) {
        if (config.values().isSet(ConfigKeys.BATCH_POLL_INTERVAL)) {
            return config.batch();
        }
        return simulated ? config.batch().withPollInterval(Duration.ofSeconds(1))
                : webhook ? config.batch().withPollInterval(WEBHOOK_POLL_INTERVAL) : config.batch();
    }

    /**
     * Notes that the batch line {@code customId} asks for {@code samples} samples sharing its request; {@code false}
     * when a sample of the same request noted it already.
     */
    boolean sharedLine(String customId, int samples) {
        return sharedBy.putIfAbsent(customId, samples) == null;
    }

    /**
     * Submits {@code items} to the suite's batches, each to its model's provider's; each request and draw is answered
     * by the first line asking it.
     */
    void submit(String suite, List<BatchItem> items) {
        Map<ModelTraits.Vendor, List<BatchItem>> byVendor = new LinkedHashMap<>();
        items.forEach(item -> byVendor.computeIfAbsent(vendor(item.model()), v -> new ArrayList<>()).add(item));
        Map<AnswerKey, String> ids = routed.computeIfAbsent(suite, s -> new ConcurrentHashMap<>());
        byVendor.forEach((vendor, part) -> {
            BatchCoordinator coordinator = coordinators.computeIfAbsent(key(suite, vendor),
                    k -> coordinator(suite, vendor, part.get(0).model()));
            if (vendor == ModelTraits.Vendor.OPENAI) {
                webhooks.receive(batchId -> coordinators.values().stream().map(c -> c.wake(batchId))
                        .reduce(false, Boolean::logicalOr));
            }
            part.forEach(item -> ids.putIfAbsent(item.key().answerKey(), item.customId()));
            CompletableFuture<Void> submitted = coordinator.submit(part);
            if (!batch.waitForCompletion()) {
                submitted.join(); // the run finishes at once; the batches are recorded for the next run
            }
        });
    }

    private static ModelTraits.Vendor vendor(String model) {
        return ModelTraits.of(model).vendor();
    }

    /** The key of a suite's coordinator of one provider. */
    private static String key(String suite, ModelTraits.Vendor vendor) {
        return suite + '\u0000' + vendor;
    }

    /** The suite's requests and draws a batch line asks, each with that line's custom id. */
    Map<AnswerKey, String> lines(String suite) {
        return routed.getOrDefault(suite, Map.of());
    }

    /** Completes when every one of the suite's lines {@code customIds} is answered or failed, handing none over. */
    CompletableFuture<Void> whenSettled(String suite, List<String> customIds) {
        // a coordinator counts the ids it was not given as settled: each settles its own
        return CompletableFuture.allOf(java.util.Arrays.stream(ModelTraits.Vendor.values())
                .map(v -> coordinators.get(key(suite, v))).filter(java.util.Objects::nonNull)
                .map(c -> c.whenSettled(customIds)).toArray(CompletableFuture[]::new));
    }

    /**
     * Per suite, the items a batch of the suite's ledger holds (not yet collected or abandoned), removed
     * from {@code bySuite}. A ledger that cannot be read holds none here; the run then sends in real time,
     * as it would have.
     */
    Map<String, List<BatchItem>> inEarlierBatches(Map<String, List<BatchItem>> bySuite) {
        Map<String, List<BatchItem>> held = new LinkedHashMap<>();
        for (Map.Entry<String, List<BatchItem>> suite : bySuite.entrySet()) {
            Map<ModelTraits.Vendor, Map<String, String>> wanted = new LinkedHashMap<>();
            Map<ModelTraits.Vendor, String> origins = new LinkedHashMap<>();
            suite.getValue().forEach(item -> {
                wanted.computeIfAbsent(vendor(item.model()), v -> new LinkedHashMap<>())
                        .put(item.customId(), item.key().requestHash());
                origins.putIfAbsent(vendor(item.model()), states.origin().forModel(item.model()).id());
            });
            Set<String> ids = new java.util.HashSet<>();
            try {
                wanted.forEach((vendor, some) -> ids.addAll(BatchLedger.in(batchDirectory(suite.getKey(), vendor),
                        origins.get(vendor)).holding(some)));
            } catch (RuntimeException unreadable) {
                LOG.log(System.Logger.Level.WARNING, "evalunit " + suite.getKey() + ": the batch ledger cannot be read ("
                        + unreadable.getMessage() + "); requests in earlier batches are sent in real time");
                continue;
            }
            if (ids.isEmpty()) {
                continue;
            }
            List<BatchItem> inBatches = new ArrayList<>();
            List<BatchItem> rest = new ArrayList<>();
            suite.getValue().forEach(item -> (ids.contains(item.customId()) ? inBatches : rest).add(item));
            held.put(suite.getKey(), inBatches);
            suite.setValue(rest);
        }
        return held;
    }

    /**
     * Where a suite's batch ledger and files live: beside its checkpoint, {@code batches/} for OpenAI's and
     * {@code batches/anthropic/} for Anthropic's, so that neither provider's batches are ever polled through the other.
     */
    private Path batchDirectory(String suite, ModelTraits.Vendor vendor) {
        Path batches = states.checkpoint(suite).directory().resolve("batches");
        return vendor == ModelTraits.Vendor.ANTHROPIC ? batches.resolve("anthropic") : batches;
    }

    /**
     * The suite's coordinator of one provider ({@code model} one of its models, which names the origin): a line its
     * batch gives back is sent in real time, and every answer is appended to the suite's checkpoint (a line the
     * samples share, as each sample's choice) before it is handed over.
     */
    private BatchCoordinator coordinator(String suite, ModelTraits.Vendor vendor, String model) {
        CheckpointStore store = states.checkpoint(suite);
        Path directory = batchDirectory(suite, vendor);
        BatchCoordinatorBuilder builder = vendor == ModelTraits.Vendor.ANTHROPIC
                ? BatchCoordinator.builder(AnthropicBatchApi.create(anthropic, config.retry()), directory, batch,
                        config.prices())
                : BatchCoordinator.builder(OpenAiBatchApi.create(client.config().openai(), config.retry()), directory,
                        batch, config.prices());
        return builder
                .realtime(item -> {
                    // a line the samples share goes as the samples' own request would: n choices, or one a sample
                    Integer samples = sharedBy.get(item.customId());
                    return samples == null ? sender.send(item.request(), item.key())
                            : sender.sendShared(item.request(), item.key(), samples);
                })
                .sink((item, completion) -> {
                    Integer samples = sharedBy.remove(item.customId());
                    if (samples == null) {
                        store.append(item.key(), completion);
                    } else {
                        Sender.storeShares(store, item.key(), completion, samples);
                    }
                })
                .durable(store::force)
                .budget(client.budget())
                .origin(states.origin().forModel(model).id())
                .scheduler(scheduler)
                .build();
    }

    /**
     * The answer of an invocation whose request a batch line asks, with the batch that gave it; empty when none
     * does. Every invocation asking that request and draw takes the same answer; {@link Routed#shared()} says
     * whether the line was another invocation's (whose answer this one reuses, paying nothing). With
     * {@code evalunit.batch.wait=false}, an answer not there yet fails at once with a {@link BatchPendingException}
     * naming the batch and its counts.
     */
    Optional<Routed> answer(String suite, InvocationKey key) {
        String id = lines(suite).get(key.answerKey());
        if (id == null) {
            return Optional.empty();
        }
        boolean shared = !id.equals(key.id());
        // the line asks the same request, so the same model: its provider's coordinator has it
        BatchCoordinator coordinator = coordinators.get(key(suite, vendor(key.model())));
        if (!batch.waitForCompletion() && !deliveries.containsKey(id)) {
            ItemStatus status = coordinator.status(id);
            if (!status.done()) {
                return Optional.of(new Routed(CompletableFuture.failedFuture(BatchPendingException.notWaitedFor(status)),
                        shared));
            }
        }
        return Optional.of(new Routed(deliveries.computeIfAbsent(id, coordinator::delivery), shared));
    }

    /**
     * A batch line's answer as one invocation takes it.
     *
     * @param shared whether the line asks for another invocation (the same request and draw): its answer is reused
     */
    record Routed(CompletableFuture<BatchCoordinator.Delivered> delivery, boolean shared) {
    }

    /** The batches' counts for the progress line; empty when nothing is batched. */
    String progress() {
        long waiting = 0;
        int running = 0;
        long total = 0;
        long completed = 0;
        long failed = 0;
        for (BatchCoordinator c : coordinators.values()) {
            BatchProgress p = c.progress();
            waiting += p.waiting();
            running += p.batches().values().stream().mapToInt(Integer::intValue).sum();
            total += p.requests().total();
            completed += p.requests().completed();
            failed += p.requests().failed();
        }
        return coordinators.isEmpty() ? "" : String.format(Locale.US, "batches %d (%,d/%,d done, %,d failed) waiting %,d",
                running, completed, total, failed, waiting);
    }

    /** What batching did, for the end of the run; empty when nothing was batched. */
    String summary() {
        if (coordinators.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        coordinators.forEach((key, c) -> {
            BatchFigures f = c.figures();
            String[] suiteAndVendor = key.split("\u0000");
            String which = ModelTraits.Vendor.ANTHROPIC.name().equals(suiteAndVendor[1]) ? " Message Batches" : " batches";
            out.append(String.format(Locale.US, "%s%s: %d, %,d answers at the batch price $%.4f (real time: $%.4f, "
                            + "saved $%.4f), %,d failed lines, %,d sent in real time; ledger %s%n", suiteAndVendor[0],
                    which, f.batches(),
                    f.answered(), f.costUsd(), f.realTimeCostUsd(), f.savingUsd(), f.failed(), f.sentToRealTime(),
                    c.ledger().file()));
        });
        return out.toString();
    }

    /** The run ended: batches still running stay recorded for the next run. */
    void close() {
        end(BatchCoordinator::close);
    }

    /** Ctrl-C: as {@link #close()}, cancelling running batches when so configured. */
    void interrupt(Duration grace) {
        end(c -> c.interrupt(grace));
    }

    private void end(Consumer<BatchCoordinator> each) {
        try {
            webhooks.close();
            coordinators.values().forEach(each);
        } finally {
            scheduler.shutdownNow();
        }
    }
}
