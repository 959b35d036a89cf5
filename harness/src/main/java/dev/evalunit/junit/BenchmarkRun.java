package dev.evalunit.junit;

import dev.evalunit.Answer;
import dev.evalunit.ChatRequest;
import dev.evalunit.LlmClient;
import dev.evalunit.Priority;
import dev.evalunit.Completion;
import dev.evalunit.checkpoint.CheckpointOptions;
import dev.evalunit.checkpoint.CheckpointStore;
import dev.evalunit.checkpoint.InvocationKey;
import dev.evalunit.checkpoint.LoadReport;
import dev.evalunit.client.RunClient;
import dev.evalunit.QuestionRow;
import dev.evalunit.Scorecard;
import dev.evalunit.report.Analysis;
import dev.evalunit.report.BuildOutcome;
import dev.evalunit.report.InvocationResult;
import dev.evalunit.report.ProgressOptions;
import dev.evalunit.report.ProgressReporter;
import dev.evalunit.report.RunSummary;
import dev.evalunit.report.allure.AllureOptions;
import dev.evalunit.report.allure.AllureReport;
import dev.evalunit.report.allure.InvocationReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import dev.evalunit.config.ConfigKeys;
import dev.evalunit.config.Durations;
import dev.evalunit.config.ConfigSources;
import dev.evalunit.config.EvalConfig;
import java.util.HashMap;
import java.util.List;
import java.util.ArrayList;
import java.util.Map;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What one launcher session's benchmark run shares: the configuration, read once, and one
 * rate-limited client (the simulator's when there is no API key). Lives in JUnit's root store, so
 * it is created on first use by any suite and closed, flushing everything, when the run ends.
 */
final class BenchmarkRun implements AutoCloseable, Prefetcher.AnswerSource {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(BenchmarkRun.class);

    private static final System.Logger LOG = System.getLogger(BenchmarkRun.class.getName());

    private final EvalConfig config;
    private final RunClient client;
    private final Set<String> onlyQuestions;
    private final CheckpointOptions checkpoints;
    private final Map<String, CheckpointStore> stores = new ConcurrentHashMap<>();
    private final RunSummary summary = new RunSummary();
    private final Map<String, Double> suiteMinPassRates = new ConcurrentHashMap<>();
    private final Path resultsDir;
    private final ProgressReporter progress;
    private final Duration shutdownGrace;
    private final BatchRouting batches;
    private final AllureReport allure;
    private final Thread shutdownHook = new Thread(this::stopOnInterrupt, "evalunit-shutdown");
    private volatile boolean interrupted;
    private final Object savingLock = new Object();
    private int saving; // requests sent whose answers are not in the checkpoint yet

    private BenchmarkRun(EvalConfig config) {
        this.config = config;
        this.client = RunClient.open(config);
        this.onlyQuestions = config.values().get(ConfigKeys.QUESTION)
                .map(q -> Arrays.stream(q.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                        .collect(Collectors.toUnmodifiableSet()))
                .orElse(Set.of());
        this.checkpoints = CheckpointOptions.from(config);
        this.progress = ProgressReporter.start("benchmarks", 0, () -> client.client().metrics().snapshot(),
                ProgressOptions.from(config));
        this.resultsDir = config.values().getAs(ConfigKeys.RESULTS_DIR, Path.of("target", "evalunit"), "a directory path",
                Path::of);
        clearEarlierResults(resultsDir);
        AllureOptions allureOptions = AllureOptions.from(config);
        this.allure = AllureReport.open(allureOptions, config, client.client().config().openai().baseUrl(),
                client.simulated(), !AllureCleanup.cleanedInThisSession(allureOptions.resultsDir()));
        this.batches = new BatchRouting(this, config);
        progress.detail(batches::progress);
        this.shutdownGrace = config.values().getDuration(ConfigKeys.SHUTDOWN_GRACE, Duration.ofSeconds(10));
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** A new run's verdict and analysis replace the last run's; until they are written there are none. */
    private static void clearEarlierResults(Path dir) {
        try {
            java.nio.file.Files.deleteIfExists(dir.resolve(BuildOutcome.VERDICT_FILE));
            java.nio.file.Files.deleteIfExists(dir.resolve("analysis.json"));
        } catch (java.io.IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot remove the last run's results in " + dir + ": " + e);
        }
    }

    /**
     * Ctrl-C (or SIGTERM) while the run is going: nothing new is sent, requests in flight get the
     * grace period to finish and be checkpointed, every checkpoint is flushed and closed, and the JVM
     * exits. The next run with the same command replays what was saved and sends only the rest.
     */
    private void stopOnInterrupt() {
        interrupted = true;
        long deadline = System.nanoTime() + shutdownGrace.toNanos();
        try {
            batches.interrupt(shutdownGrace);
            client.close(shutdownGrace);
            awaitSaved(deadline);
        } finally {
            stores.values().forEach(CheckpointStore::close);
            progress.close();
        }
        long saved = stores.values().stream().mapToLong(CheckpointStore::appended).sum();
        System.out.println("evalunit: interrupted; stopped sending, waited up to " + Durations.format(shutdownGrace)
                + " for requests in flight, and saved " + saved + " answers of this run in "
                + stores.values().stream().map(s -> s.directory().toString()).sorted().toList()
                + ". Run the same command again to resume: stored answers are replayed, not sent again.");
    }

    /** The run of the launcher session {@code context} belongs to, created on first use. */
    static BenchmarkRun of(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).computeIfAbsent(BenchmarkRun.class, k -> {
            BenchmarkRun run = new BenchmarkRun(load(context));
            run.routeAtStart(EligibleTemplates.current());
            return run;
        }, BenchmarkRun.class);
    }

    /** The run starts: every selected batch-eligible test is routed now, so batches run meanwhile. */
    private void routeAtStart(List<EligibleTemplates.Template> templates) {
        List<BatchRouting.Planned> plans = new ArrayList<>();
        for (EligibleTemplates.Template t : templates) {
            plans.add(new BatchRouting.Planned(BenchmarkPlan.of(t.testClass(), t.method(), config.defaultModel(),
                    onlyQuestions, config), t.uniqueId(), Selections.selected(t.uniqueId(), t.testClass(), t.method().getName())));
        }
        batches.route(plans);
    }

    /** A test starts: routes it if the start did not (a run without a launcher, such as EngineTestKit's). */
    void route(BenchmarkPlan plan, org.junit.platform.engine.UniqueId template, Set<Integer> selected) {
        batches.route(List.of(new BatchRouting.Planned(plan, template, selected)));
    }

    /**
     * The configuration from every usual source, with JUnit configuration parameters (a launcher's
     * or EngineTestKit's {@code evalunit.*} settings) as strong as {@code -D} system properties.
     */
    private static EvalConfig load(ExtensionContext context) {
        return EvalConfig.load(sources(context::getConfigurationParameter));
    }

    /** The usual sources, with {@code evalunit.*} configuration parameters as strong as system properties. */
    static ConfigSources sources(Function<String, Optional<String>> configurationParameters) {
        ConfigSources real = ConfigSources.real();
        Map<String, String> properties = new HashMap<>(real.systemProperties());
        for (String name : ConfigKeys.all().stream().map(ConfigKeys.Key::name).toList()) {
            configurationParameters.apply(name).ifPresent(value -> properties.put(name, value));
        }
        ConfigSources sources = ConfigSources.of(properties, real.environment(), real.workingDirectory().orElse(null));
        return real.classLoader().map(sources::withClassLoader).orElse(sources);
    }

    EvalConfig config() {
        return config;
    }

    /** Whether Ctrl-C (or SIGTERM) has stopped the run. */
    boolean interrupted() {
        return interrupted;
    }

    /** Whether answers come from the built-in simulator (there is no API key). */
    boolean simulated() {
        return client.simulated();
    }

    dev.evalunit.client.OpenAiClient openAiClient() {
        return client.client();
    }

    LlmClient client() {
        return client.client();
    }

    Set<String> onlyQuestions() {
        return onlyQuestions;
    }

    /** How far ahead of JUnit requests are started: enough to keep every connection busy. */
    int lookAhead() {
        return Math.max(32, 4 * config.rateLimit().maxConcurrency());
    }

    /** The suite's checkpoint, opened (and its history loaded) on first use. */
    CheckpointStore checkpoint(String suite) {
        return stores.computeIfAbsent(suite, s -> {
            CheckpointStore store = CheckpointStore.open(s, checkpoints);
            LoadReport loaded = store.loadReport();
            if (loaded.lines() > 0) {
                LOG.log(System.Logger.Level.INFO, "evalunit " + s + ": " + loaded.reusable()
                        + " stored answers to replay, " + loaded.stale() + " stale, from " + store.directory());
            }
            return store;
        });
    }

    /**
     * A stored answer when the checkpoint has one for exactly this request; otherwise the request
     * goes out, and its answer is appended to the checkpoint before anyone sees it.
     */
    @Override
    public CompletableFuture<Answer> answer(BenchmarkPlan plan, Invocation invocation, LlmClient llm, Priority priority) {
        if (interrupted) {
            return CompletableFuture.failedFuture(new RunInterruptedException());
        }
        ChatRequest request = invocation.request().priority(priority);
        CheckpointStore store = checkpoint(plan.suite());
        InvocationKey key = key(plan, invocation);
        Optional<CompletableFuture<Completion>> batched = batches.answer(plan.suite(), key);
        if (batched.isPresent()) {
            return batched.get().thenApply(c -> new Answer(request, c, false)); // checkpointed when it came
        }
        Optional<Completion> stored = store.lookup(key);
        if (stored.isPresent()) {
            return CompletableFuture.completedFuture(new Answer(request, stored.get(), true));
        }
        return sendAndStore(llm, request, store, key).thenApply(c -> new Answer(request, c, false));
    }

    /**
     * Sends the request and appends its answer to the checkpoint before the future completes. Ctrl-C
     * waits for these appends, not only for the responses, so no answer that came is lost.
     */
    CompletableFuture<Completion> sendAndStore(LlmClient llm, ChatRequest request, CheckpointStore store,
                                               InvocationKey key) {
        synchronized (savingLock) {
            saving++;
        }
        CompletableFuture<Completion> stored;
        try {
            stored = llm.generateAsync(request).thenApply(c -> {
                store.append(key, c);
                return c;
            });
        } catch (RuntimeException e) {
            saved();
            throw e;
        }
        return stored.whenComplete((c, e) -> saved());
    }

    private void saved() {
        synchronized (savingLock) {
            saving--;
            savingLock.notifyAll();
        }
    }

    private void awaitSaved(long deadline) {
        synchronized (savingLock) {
            while (saving > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    LOG.log(System.Logger.Level.WARNING, saving + " answers still unsaved when the grace period ended");
                    return;
                }
                try {
                    java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(savingLock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    static InvocationKey key(BenchmarkPlan plan, Invocation invocation) {
        return InvocationKey.of(plan.suite(), plan.test(), invocation.questionId(), invocation.temperature(),
                invocation.sample(), invocation.request(), invocation.request().model());
    }

    /** More invocations of {@code plan} are planned (a template started). */
    void planned(BenchmarkPlan plan, long invocations) {
        suiteMinPassRates.merge(plan.suite(), plan.minPassRate(), Math::max);
        progress.addTotal(invocations);
    }

    /**
     * One invocation finished, with its answer when it had one, and what the test recorded; {@code report}
     * turns the result into the invocation's Allure result.
     */
    void finished(BenchmarkPlan plan, Invocation invocation, InvocationResult.Outcome outcome, Answer answer,
                  Scorecard card, Function<InvocationResult, InvocationReport> report) {
        Completion c = answer == null ? null : answer.completion();
        String category = invocation.row() instanceof QuestionRow q ? q.category() : null;
        InvocationResult result = new InvocationResult(plan.suite(), plan.test(),
                invocation.questionId() == null ? "-" : invocation.questionId(), invocation.temperature(),
                invocation.sample(), outcome, c == null ? null : c.text(), c == null ? 0 : c.promptTokens(),
                c == null ? 0 : c.completionTokens(), c == null || answer.replayed() ? 0 : c.costUsd(),
                c == null ? Duration.ZERO : c.latency(), category, answer != null && answer.replayed(),
                card.label().orElse(null), card.scores());
        summary.add(result);
        progress.step(result);
        if (allure.enabled()) {
            allure.write(report.apply(result));
        }
    }

    /** The batch that answered the invocation, when one did in this run; asked once, after its answer came. */
    Optional<String> batchOf(BenchmarkPlan plan, Invocation invocation) {
        return batches.batchOf(plan.suite(), key(plan, invocation));
    }

    /**
     * Ends the run: closes the client (requests in flight finish) and the checkpoints, prints the
     * score table, and fails the run when a suite misses the configured thresholds.
     */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            return; // the hook is closing everything
        }
        try {
            batches.close();
            client.close();
        } finally {
            stores.values().forEach(CheckpointStore::close);
            progress.close();
            allure.close();
        }
        if (summary.figures().isEmpty()) {
            return;
        }
        Map<String, Path> dirs = new TreeMap<>();
        stores.forEach((suite, store) -> dirs.put(suite, store.directory()));
        System.out.println(summary.render(client.client().metrics().snapshot(), dirs, allure.directory()));
        String batched = batches.summary();
        if (!batched.isEmpty()) {
            System.out.print(batched);
        }
        BuildOutcome.Thresholds configured = BuildOutcome.Thresholds.from(config);
        boolean passRateSet = !config.values().origin(ConfigKeys.MIN_PASS_RATE).equals("default");
        Map<String, BuildOutcome.Thresholds> thresholds = new TreeMap<>();
        summary.figures().keySet().forEach(suite -> thresholds.put(suite, passRateSet ? configured
                : new BuildOutcome.Thresholds(suiteMinPassRates.getOrDefault(suite, 0.0), configured.maxErrorRate())));
        Analysis.Report report = summary.analysis().report().withThresholds(thresholds);
        String table = Analysis.render(report);
        if (!table.isEmpty()) {
            Path file = resultsDir.resolve("analysis.json");
            Analysis.writeJson(report, file);
            System.out.println(table + "analysis written to " + file.toAbsolutePath());
        }
        BuildOutcome.Verdict verdict = BuildOutcome.judge(summary.figures(), thresholds);
        verdict.write(resultsDir.resolve(BuildOutcome.VERDICT_FILE));
        System.out.println((verdict.passed() ? "evalunit: thresholds met: " : "evalunit: THRESHOLDS MISSED: ")
                + verdict.reason());
        if (!verdict.passed()) {
            throw new AssertionError("evalunit: the run misses its thresholds: " + verdict.reason());
        }
    }
}
