package dev.evalunit.internal.run;

import dev.evalunit.Completion;
import dev.evalunit.client.OpenAiClient;
import dev.evalunit.config.BatchConfig;
import dev.evalunit.config.ConfigKeys;
import dev.evalunit.config.EvalConfig;
import dev.evalunit.internal.batch.BatchCoordinator;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Stream;

/**
 * Decides which {@code @BatchEligible} invocations go to OpenAI's Batch API and hands their answers
 * over when their turn comes. When a run starts, the requests of every selected eligible invocation
 * without a stored answer are known (from {@code @Prompt}); in {@code auto} mode they are batched when
 * there are at least {@code evalunit.batch.threshold} of them and the run is not urgent
 * ({@code evalunit.urgent}, or an IDE run of single tests). Below the threshold, those an earlier run
 * already put in a batch (the ledger says so) are still collected from it, never sent again. The
 * decision, its reason and the cost of each way are printed. One {@link BatchCoordinator} per suite
 * submits, polls, reattaches after a crash and checkpoints each answer before it is handed over.
 * Thread-safe.
 */
final class Routes implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Routes.class.getName());

    private final RunEngine run;
    private final SuiteStates states;
    private final Sender sender;
    private final EvalConfig config;
    private final BatchConfig batch;
    /** Polling's interval with a webhook, when it was not set: a safety net for a lost delivery. */
    static final Duration WEBHOOK_POLL_INTERVAL = Duration.ofMinutes(2);
    private final Webhooks webhooks;
    private final Map<String, BatchCoordinator> coordinators = new ConcurrentHashMap<>();
    /**
     * Per suite, the requests and draws whose answers come from a batch, each with the custom id of the one
     * batch line that asks it: invocations asking the same request share that line.
     */
    private final Map<String, Map<AnswerKey, String>> routed = new ConcurrentHashMap<>();
    /** The answers of batch lines handed over, by custom id: every invocation sharing a line takes the same one. */
    private final Map<String, CompletableFuture<BatchCoordinator.Delivered>> deliveries = new ConcurrentHashMap<>();
    private final Set<String> planned = ConcurrentHashMap.newKeySet();
    /** Batch items whose answer the samples of a request of n choices share, by custom id: n. */
    private final Map<String, Integer> sharedBy = new ConcurrentHashMap<>();
    /** Per test, when its follow-ups were routed (its batched answers are in). */
    private final Map<String, CompletableFuture<Void>> followUpsRouted = new ConcurrentHashMap<>();
    private volatile boolean closed;
    /** Routes follow-ups off the batch threads, which complete the answers they wait for. */
    private final ExecutorService followUpRouting = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "evalunit-follow-ups");
        t.setDaemon(true);
        return t;
    });
    private final BatchOrRealTime decisions;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "evalunit-batches");
        t.setDaemon(true);
        return t;
    });

    Routes(RunEngine run, SuiteStates states, Sender sender, EvalConfig config, boolean narrow,
           Optional<WebhookOptions> webhooks) {
        this.run = run;
        this.states = states;
        this.sender = sender;
        this.config = config;
        this.batch = batchConfig(run.simulated(), webhooks.isPresent(), config);
        this.webhooks = new Webhooks(webhooks, batch.pollInterval());
        this.decisions = new BatchOrRealTime(config, batch, narrow);
    }

    /**
     * The poll interval when it was not set: on the built-in simulator a batch takes seconds, not hours, so
     * every second instead of every 30; with a webhook, whose event ends the wait, every 2 minutes, a safety
     * net for a lost delivery.
     */
    static BatchConfig batchConfig(boolean simulated, boolean webhook, EvalConfig config) {
        if (config.values().isSet(ConfigKeys.BATCH_POLL_INTERVAL)) {
            return config.batch();
        }
        return simulated ? config.batch().withPollInterval(Duration.ofSeconds(1))
                : webhook ? config.batch().withPollInterval(WEBHOOK_POLL_INTERVAL) : config.batch();
    }

    /**
     * Routes the eligible invocations of {@code templates} that have no stored answer: to batches,
     * submitted at once, or (by leaving them alone) to real time. A template already routed is skipped.
     * A template whose invocations cannot be planned (its questions cannot be loaded, its state is locked)
     * is left out; its failure is returned, and the others are routed without it.
     *
     * <p>Follow-ups are routed the same way once the answers they follow exist: those of stored answers now,
     * those of answers that went to a batch when every one of the template's batched answers is in (at once
     * when the run does not wait for batches), so a batched run's follow-ups go to a second batch.
     */
    Map<String, RuntimeException> route(List<SelectedTest> templates) {
        Map<String, List<BatchItem>> bySuite = new LinkedHashMap<>();
        Map<String, RuntimeException> failures = new LinkedHashMap<>();
        Map<SelectedTest, List<AnswerKey>> prompts = new LinkedHashMap<>();
        Map<String, List<BatchItem>> followUps = new LinkedHashMap<>();
        List<BatchItem> guessedFollowUps = new ArrayList<>();
        for (SelectedTest p : templates) {
            if (!p.test().batchEligible() || !p.test().sendsRequests() || !planned.add(p.id())) {
                continue;
            }
            List<BatchItem> items = new ArrayList<>();
            List<BatchItem> following = new ArrayList<>();
            try {
                states.checkpoint(p.test().suite());
                selected(p).forEach(i -> {
                    Optional<Completion> stored = states.stored(i.key());
                    if (stored.isEmpty() && i.sharedBy() > 1) {
                        // one line of n choices for the samples that share the request, under the first's key
                        if (states.stored(i.keyOfSample(1)).isEmpty() && sharedBy.putIfAbsent(i.keyOfSample(1).id(),
                                i.sharedBy()) == null) {
                            items.add(new BatchItem(i.keyOfSample(1), i.request()));
                        }
                    } else if (stored.isEmpty()) {
                        items.add(new BatchItem(i.key(), i.request()));
                    }
                    if (stored.isEmpty()) {
                        guessedFollowUps.addAll(FollowUpRequests.guessed(p.test(), i));
                    } else {
                        following.addAll(FollowUpRequests.ofStored(states, p.test(), i, stored.get()));
                    }
                });
            } catch (RuntimeException unplanned) {
                failures.put(p.id(), unplanned);
                continue;
            }
            if (!items.isEmpty()) {
                bySuite.computeIfAbsent(p.test().suite(), s -> new ArrayList<>()).addAll(items);
            }
            if (!following.isEmpty()) {
                followUps.computeIfAbsent(p.test().suite(), s -> new ArrayList<>()).addAll(following);
            }
            if (!p.test().followUps().isEmpty()) {
                prompts.put(p, items.stream().map(i -> i.key().answerKey()).toList());
            }
        }
        routeToBatches(bySuite, "@BatchEligible invocations without a stored answer", guessedFollowUps);
        routeToBatches(followUps, "follow-up requests of stored answers", List.of());
        // a test's follow-ups wait for the batch lines of its answers, its own or another test's asking the same
        prompts.forEach((test, keys) -> {
            Map<AnswerKey, String> lines = routed.getOrDefault(test.test().suite(), Map.of());
            followUpsRouted.put(key(test.test()), followUpsOf(test,
                    keys.stream().map(lines::get).filter(java.util.Objects::nonNull).distinct().toList()));
        });
        return failures;
    }

    private static Stream<PlannedInvocation> selected(SelectedTest p) {
        return p.test().invocations().filter(i -> p.selected().isEmpty() || p.selected().contains(i.index()));
    }

    /**
     * When {@code test}'s follow-ups are routed: at once when none of its answers went to a batch, else once
     * every batched answer is in (or, when the run does not wait for batches, now, with those already in).
     */
    private CompletableFuture<Void> followUpsOf(SelectedTest test, List<String> batchedIds) {
        if (batchedIds.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        Runnable route = () -> {
            Map<String, List<BatchItem>> items = new LinkedHashMap<>();
            selected(test).forEach(i -> states.stored(i.key()).ifPresent(answer -> items.computeIfAbsent(
                    test.test().suite(), s -> new ArrayList<>()).addAll(FollowUpRequests.ofStored(states, test.test(), i,
                    answer))));
            routeToBatches(items, "follow-up requests of batched answers", List.of());
        };
        if (!batch.waitForCompletion()) {
            route.run();
            return CompletableFuture.completedFuture(null);
        }
        return coordinators.get(test.test().suite()).whenSettled(batchedIds).thenRunAsync(route, followUpRouting)
                .exceptionally(failed -> {
                    if (closed) {
                        return null; // the run ended before its batches did: the next run routes the follow-ups
                    }
                    // its follow-ups are then sent in real time, as each answer's body comes
                    LOG.log(System.Logger.Level.WARNING, "evalunit " + test.test().test() + ": its follow-ups could "
                            + "not be routed to a batch (" + RunProblems.firstLine(failed) + "); they go in real time");
                    return null;
                });
    }

    /**
     * Completes when the follow-ups of {@code test} were routed, so that a follow-up asked for after it finds
     * its batch; completed at once for a test whose follow-ups all go to real time.
     */
    CompletableFuture<Void> followUpsRouted(PlannedTest test) {
        return followUpsRouted.getOrDefault(key(test), CompletableFuture.completedFuture(null));
    }

    private static String key(PlannedTest test) {
        return test.suite() + '\u0000' + test.test();
    }

    /**
     * Routes {@code bySuite}, described as {@code what} in what it prints, with the estimate of the
     * {@code followUps} its answers will send. Requests a batch of this run already asks are left out: their
     * invocations take that batch line's answer.
     */
    private void routeToBatches(Map<String, List<BatchItem>> requested, String what, List<BatchItem> followUps) {
        Map<String, List<BatchItem>> bySuite = distinct(requested);
        long eligible = bySuite.values().stream().mapToLong(List::size).sum();
        if (eligible == 0) {
            return;
        }
        BatchOrRealTime.Decision decision = decisions.decide(eligible);
        String reason = decision.reason();
        Map<String, List<BatchItem>> batched = bySuite;
        if (!decision.toBatches()) {
            // Below the threshold, requests an earlier run put in a batch (it was killed or stopped before
            // collecting them all) are still collected from it: they are paid for there.
            batched = decision.belowThreshold() ? inEarlierBatches(bySuite) : Map.of();
            long reattached = batched.values().stream().mapToLong(List::size).sum();
            if (reattached > 0) {
                System.out.println("evalunit: " + String.format(Locale.US, "%,d", reattached)
                        + " " + what + " are in batches an earlier run submitted"
                        + " (recorded in the batch ledger); they are collected from those batches, not sent again");
            }
            if (reattached < eligible) {
                System.out.println("evalunit: " + String.format(Locale.US, "%,d", eligible - reattached)
                        + " " + what + " go to real time (" + reason + "); " + decisions.costs(bySuite)
                        + decisions.followUpCosts(followUps));
            }
        } else {
            System.out.println("evalunit: " + String.format(Locale.US, "%,d", eligible)
                    + " " + what + " go to the Batch API (" + reason + "); " + decisions.costs(bySuite)
                    + decisions.followUpCosts(followUps));
        }
        if (run.dryRun()) {
            return; // the decision and its costs are said; nothing is submitted
        }
        batched.forEach((suite, items) -> {
            BatchCoordinator coordinator = coordinators.computeIfAbsent(suite, this::coordinator);
            webhooks.receive(batchId -> coordinators.values().stream().map(c -> c.wake(batchId))
                    .reduce(false, Boolean::logicalOr));
            Map<AnswerKey, String> ids = routed.computeIfAbsent(suite, s -> new ConcurrentHashMap<>());
            items.forEach(item -> ids.putIfAbsent(item.key().answerKey(), item.customId()));
            CompletableFuture<Void> submitted = coordinator.submit(items);
            if (!batch.waitForCompletion()) {
                submitted.join(); // the run finishes at once; the batches are recorded for the next run
            }
        });
    }

    /**
     * {@code bySuite} with one item per request and draw: the first of those asking the same (a judge of the same
     * answer to the same question at two temperatures), and none whose request a batch of this run already asks.
     */
    private Map<String, List<BatchItem>> distinct(Map<String, List<BatchItem>> bySuite) {
        Map<String, List<BatchItem>> distinct = new LinkedHashMap<>();
        bySuite.forEach((suite, items) -> {
            Map<AnswerKey, String> inBatches = routed.getOrDefault(suite, Map.of());
            Set<AnswerKey> seen = new HashSet<>();
            List<BatchItem> kept = new ArrayList<>();
            for (BatchItem item : items) {
                AnswerKey key = item.key().answerKey();
                if (!inBatches.containsKey(key) && seen.add(key)) {
                    kept.add(item);
                }
            }
            if (!kept.isEmpty()) {
                distinct.put(suite, kept);
            }
        });
        return distinct;
    }

    /**
     * Per suite, the items a batch of the suite's ledger holds (not yet collected or abandoned), removed
     * from {@code bySuite}. A ledger that cannot be read holds none here; the run then sends in real time,
     * as it would have.
     */
    private Map<String, List<BatchItem>> inEarlierBatches(Map<String, List<BatchItem>> bySuite) {
        Map<String, List<BatchItem>> held = new LinkedHashMap<>();
        for (Map.Entry<String, List<BatchItem>> suite : bySuite.entrySet()) {
            Map<String, String> wanted = new LinkedHashMap<>();
            suite.getValue().forEach(item -> wanted.put(item.customId(), item.key().requestHash()));
            Set<String> ids;
            try {
                ids = BatchLedger.in(batchDirectory(suite.getKey()), states.origin().id()).holding(wanted);
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

    /** Where a suite's batch ledger and files live: beside its checkpoint. */
    private java.nio.file.Path batchDirectory(String suite) {
        return states.checkpoint(suite).directory().resolve("batches");
    }

    private BatchCoordinator coordinator(String suite) {
        CheckpointStore store = states.checkpoint(suite);
        OpenAiClient client = run.openAiClient();
        return BatchCoordinator.builder(OpenAiBatchApi.create(client.config().openai(), config.retry()),
                        batchDirectory(suite), batch, config.prices())
                .realtime(item -> sender.send(item.request(), item.key()))
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
                .origin(states.origin().id())
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
        String id = routed.getOrDefault(suite, Map.of()).get(key.answerKey());
        if (id == null) {
            return Optional.empty();
        }
        boolean shared = !id.equals(key.id());
        BatchCoordinator coordinator = coordinators.get(suite);
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
        coordinators.forEach((suite, c) -> {
            BatchFigures f = c.figures();
            out.append(String.format(Locale.US, "%s batches: %d, %,d answers at the batch price $%.4f (real time: $%.4f, "
                            + "saved $%.4f), %,d failed lines, %,d sent in real time; ledger %s%n", suite, f.batches(),
                    f.answered(), f.costUsd(), f.realTimeCostUsd(), f.savingUsd(), f.failed(), f.sentToRealTime(),
                    c.ledger().file()));
        });
        return out.toString();
    }

    /** The run ended: batches still running stay recorded for the next run. */
    @Override
    public void close() {
        closed = true;
        try {
            webhooks.close();
            coordinators.values().forEach(BatchCoordinator::close);
        } finally {
            scheduler.shutdownNow();
            followUpRouting.shutdownNow();
        }
    }

    /** Ctrl-C: as {@link #close()}, cancelling running batches when so configured. */
    void interrupt(Duration grace) {
        closed = true;
        try {
            webhooks.close();
            coordinators.values().forEach(c -> c.interrupt(grace));
        } finally {
            scheduler.shutdownNow();
            followUpRouting.shutdownNow();
        }
    }
}
