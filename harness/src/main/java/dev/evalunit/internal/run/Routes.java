package dev.evalunit.internal.run;

import dev.evalunit.Completion;
import dev.evalunit.config.BatchConfig;
import dev.evalunit.config.EvalConfig;
import dev.evalunit.internal.batch.BatchItem;
import dev.evalunit.internal.checkpoint.AnswerKey;
import dev.evalunit.internal.concurrent.DaemonThreads;
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
import java.util.stream.Stream;

/**
 * Routes a run's {@code @BatchEligible} invocations to batches (OpenAI's Batch API, Anthropic's Message Batches for
 * Anthropic's models) or to real time. When a run starts, the
 * requests of every selected eligible invocation without a stored answer are known (from {@code @Prompt});
 * {@link BatchOrRealTime} decides where they go (in {@code auto} mode, to batches when there are at least
 * {@code evalunit.batch.threshold} of them and the run is not urgent), and the decision, its reason and the cost of
 * each way are printed. Below the threshold, those an earlier run already put in a batch (the ledger says so) are
 * still collected from it, never sent again. A test's follow-ups are routed the same way once the answers they
 * follow exist. The batches, and the answers they hand over when an invocation's turn comes, are {@link Batches}'.
 * Thread-safe.
 */
final class Routes implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Routes.class.getName());

    private final SuiteStates states;
    private final Batches batches;
    private final BatchConfig batch;
    private final BatchOrRealTime decisions;
    /** {@code evalunit.dry-run}: the decision and its costs are said, nothing is submitted. */
    private final boolean dryRun;
    /** The tests already routed, by id. */
    private final Set<String> planned = ConcurrentHashMap.newKeySet();
    /** Per test, when its follow-ups were routed (its batched answers are in). */
    private final Map<String, CompletableFuture<Void>> followUpsRouted = new ConcurrentHashMap<>();
    private volatile boolean closed;
    /** Routes follow-ups off the batch threads, which complete the answers they wait for. */
    private final ExecutorService followUpRouting = Executors.newSingleThreadExecutor(DaemonThreads.named("evalunit-follow-ups"));

    /**
     * @param batch  the batch settings, with their defaults for this run ({@link Batches#settings})
     * @param narrow whether the run selected single tests or invocations (an IDE's run), which cannot wait for a batch
     */
    Routes(EvalConfig config, BatchConfig batch, boolean narrow, boolean dryRun, SuiteStates states, Batches batches) {
        this.states = states;
        this.batches = batches;
        this.batch = batch;
        this.decisions = new BatchOrRealTime(config, batch, narrow);
        this.dryRun = dryRun;
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
                        if (states.stored(i.keyOfSample(1)).isEmpty()
                                && batches.sharedLine(i.keyOfSample(1).id(), i.sharedBy())) {
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
            Map<AnswerKey, String> lines = batches.lines(test.test().suite());
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
        return batches.whenSettled(test.test().suite(), batchedIds).thenRunAsync(route, followUpRouting)
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
            batched = decision.belowThreshold() ? batches.inEarlierBatches(bySuite) : Map.of();
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
        if (dryRun) {
            return; // the decision and its costs are said; nothing is submitted
        }
        batched.forEach(batches::submit);
    }

    /**
     * {@code bySuite} with one item per request and draw: the first of those asking the same (a judge of the same
     * answer to the same question at two temperatures), and none whose request a batch of this run already asks.
     */
    private Map<String, List<BatchItem>> distinct(Map<String, List<BatchItem>> bySuite) {
        Map<String, List<BatchItem>> distinct = new LinkedHashMap<>();
        bySuite.forEach((suite, items) -> {
            Map<AnswerKey, String> inBatches = batches.lines(suite);
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

    /** The run ended: routing stops, and batches still running stay recorded for the next run. */
    @Override
    public void close() {
        end(batches::close);
    }

    /** Ctrl-C: as {@link #close()}, cancelling running batches when so configured. */
    void interrupt(Duration grace) {
        end(() -> batches.interrupt(grace));
    }

    /** Stops routing: no follow-up is routed after {@code endBatches}, which ends the batches. */
    private void end(Runnable endBatches) {
        closed = true;
        try {
            endBatches.run();
        } finally {
            followUpRouting.shutdownNow();
        }
    }
}
