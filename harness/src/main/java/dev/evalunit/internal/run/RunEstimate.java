package dev.evalunit.internal.run;

import dev.evalunit.ChatRequest;
import dev.evalunit.Completion;
import dev.evalunit.config.ConfigKeys;
import dev.evalunit.config.EvalConfig;
import dev.evalunit.config.ModelPrice;
import dev.evalunit.internal.batch.BatchItem;
import dev.evalunit.internal.client.ContextWindows;
import dev.evalunit.internal.client.RequestEstimate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a run will ask, counted and priced before anything is sent: for every selected test with a
 * {@code @Prompt}, the requests its invocations without a stored answer send and the follow-ups of their answers
 * (built from the stored answer when there is one, else from an answer as long as {@code max_tokens} allows), at
 * most what they cost in real time and in batches. On the way it finds the prompts that will not be sent (over
 * their model's context window) and a prompt far above its test's others (a row that swallowed a file), which
 * it names once. Not thread-safe; one per run.
 */
final class RunEstimate {

    private static final System.Logger LOG = System.getLogger(RunEstimate.class.getName());

    /** A prompt this many times its test's median, and at least {@value #OUTLIER_TOKENS} tokens, is named. */
    static final int OUTLIER_FACTOR = 10;
    static final int OUTLIER_TOKENS = 2_000;

    private final SuiteStates states;
    private final EvalConfig config;
    private final ContextWindows windows;
    long invocations;
    long stored;
    long requests;
    long followUps;
    double realTimeUsd;
    double batchUsd;
    boolean unpriced;
    final List<String> overWindow = new ArrayList<>();
    final List<String> outliers = new ArrayList<>();
    final List<String> handWritten = new ArrayList<>();

    RunEstimate(SuiteStates states, EvalConfig config) {
        this.states = states;
        this.config = config;
        this.windows = ContextWindows.from(config.values());
    }

    /** Counts {@code selected}'s invocations in; a test whose plan fails is left to its own start to report. */
    void add(SelectedTest selected) {
        PlannedTest test = selected.test();
        if (!test.sendsRequests()) {
            handWritten.add(test.suite() + " · " + test.test());
            return;
        }
        List<Integer> promptTokens = new ArrayList<>();
        List<String> promptIds = new ArrayList<>();
        try {
            states.checkpoint(test.suite());
            test.invocations().filter(i -> selected.selected().isEmpty() || selected.selected().contains(i.index()))
                    .forEach(i -> {
                        invocations++;
                        Optional<Completion> answer = states.stored(i.key());
                        if (answer.isPresent()) {
                            stored++;
                            for (BatchItem f : FollowUpRequests.ofStored(states, test, i, answer.get())) {
                                followUps++;
                                price(f.model(), f.request(), test.batchEligible());
                            }
                            return;
                        }
                        if (i.sharedBy() > 1 && i.sample() > 1) {
                            return; // one request of n choices answers the samples: counted with the first
                        }
                        RequestEstimate estimate = price(i.request().model(), i.request(), test.batchEligible());
                        requests++;
                        promptTokens.add(estimate.promptTokens());
                        promptIds.add(i.questionId() == null ? "-" : i.questionId());
                        window(i.request().model(), estimate, i.request(), i.questionId());
                        for (BatchItem f : FollowUpRequests.guessed(test, i)) {
                            followUps++;
                            price(f.model(), f.request(), test.batchEligible());
                        }
                    });
        } catch (RuntimeException unplannable) {
            return; // its start reports it
        }
        outlier(test, promptTokens, promptIds);
    }

    private RequestEstimate price(String model, ChatRequest request, boolean batchEligible) {
        RequestEstimate estimate = RequestEstimate.of(model, request);
        Optional<ModelPrice> price = config.prices().forModel(model);
        if (price.isEmpty()) {
            unpriced = true;
        }
        realTimeUsd += estimate.costUsd(price, false);
        batchUsd += estimate.costUsd(price, batchEligible);
        return estimate;
    }

    private void window(String model, RequestEstimate estimate, ChatRequest request, String id) {
        OptionalInt window = windows.of(model);
        long asked = estimate.promptTokens() + (request.maxTokens() == null ? 0 : (long) request.n() * request.maxTokens());
        if (window.isPresent() && asked > window.getAsInt()) {
            overWindow.add(String.format(Locale.ROOT, "%s (%,d tokens, %s takes %,d)", id, asked, model,
                    window.getAsInt()));
        }
    }

    /** Names the test's longest prompt when it is far above the test's median, once. */
    private void outlier(PlannedTest test, List<Integer> tokens, List<String> ids) {
        if (tokens.size() < 2) {
            return;
        }
        int[] sorted = tokens.stream().mapToInt(Integer::intValue).toArray();
        Arrays.sort(sorted);
        double median = sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2.0;
        int longest = 0;
        for (int i = 1; i < tokens.size(); i++) {
            if (tokens.get(i) > tokens.get(longest)) {
                longest = i;
            }
        }
        int max = tokens.get(longest);
        java.util.Set<String> far = new java.util.TreeSet<>(); // questions, not invocations: a row at 3 temperatures is one
        for (int i = 0; i < tokens.size(); i++) {
            if (tokens.get(i) >= OUTLIER_TOKENS && tokens.get(i) > OUTLIER_FACTOR * median) {
                far.add(ids.get(i));
            }
        }
        if (!far.isEmpty()) {
            outliers.add(String.format(Locale.ROOT, "%s · %s: the prompt of %s has %,d tokens, %,.0f times the median of "
                            + "the test's prompts (%,.0f tokens)%s; it costs as much as that many others: check its row",
                    test.suite(), test.test(), ids.get(longest), max, max / Math.max(1, median), median,
                    far.size() > 1 ? String.format(Locale.ROOT, ", and the prompts of %,d more questions are over %d "
                            + "times the median", far.size() - 1, OUTLIER_FACTOR) : ""));
        }
    }

    /**
     * Says the estimate: its line (a dry run's says that nothing is sent), and as warnings the prompts over their
     * model's context window and the prompts far above their test's others.
     */
    void say(boolean dryRun) {
        String line = line();
        if (!line.isEmpty()) {
            System.out.println(line + (dryRun ? "; a dry run (" + ConfigKeys.DRY_RUN + "=true): nothing is sent" : ""));
        }
        if (!overWindow.isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, overWindow.size() + " prompts are over their model's context "
                    + "window and will not be sent (their invocations fail): " + String.join(", ",
                    overWindow.subList(0, Math.min(5, overWindow.size()))) + (overWindow.size() > 5 ? ", ..." : ""));
        }
        outliers.forEach(o -> LOG.log(System.Logger.Level.WARNING, o));
    }

    /** The estimate in one line, for the start of the run; empty when nothing with a prompt was counted. */
    String line() {
        if (invocations == 0) {
            return ""; // hand-written tests alone: what they ask is not known before they run
        }
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "evalunit: %,d invocations planned", invocations));
        out.append(String.format(Locale.ROOT, ": %,d answers stored (replayed, nothing paid), %,d requests to send "
                + "and %,d follow-ups of their answers", stored, requests, followUps));
        if (requests + followUps > 0) {
            out.append(unpriced && realTimeUsd == 0 ? "; cost unknown (no price for the model)" : String.format(
                    Locale.ROOT, "; at most $%.4f in real time%s (assuming each answer as long as its max_tokens allows)",
                    realTimeUsd, batchUsd < realTimeUsd ? String.format(Locale.ROOT, ", $%.4f with the @BatchEligible "
                            + "tests in batches", batchUsd) : ""));
        }
        if (!handWritten.isEmpty()) {
            out.append("; and what ").append(handWritten.size()).append(handWritten.size() == 1 ? " hand-written test asks"
                    : " hand-written tests ask").append(" as it runs (not known before)");
        }
        return out.toString();
    }
}
