package dev.evalunit.junit;

import dev.evalunit.Answer;
import dev.evalunit.ChatRequest;
import dev.evalunit.Completion;
import dev.evalunit.LlmClient;
import dev.evalunit.Priority;
import dev.evalunit.QuestionRow;
import dev.evalunit.Scorecard;
import dev.evalunit.client.RunClient;
import dev.evalunit.config.ConfigKeys;
import dev.evalunit.config.ConfigSources;
import dev.evalunit.config.Durations;
import dev.evalunit.config.EvalConfig;
import dev.evalunit.internal.checkpoint.CheckpointOptions;
import dev.evalunit.internal.checkpoint.CheckpointStore;
import dev.evalunit.internal.checkpoint.InvocationKey;
import dev.evalunit.internal.checkpoint.LoadReport;
import dev.evalunit.internal.checkpoint.Origin;
import dev.evalunit.internal.checkpoint.StateLock;
import dev.evalunit.internal.checkpoint.StateLockedException;
import dev.evalunit.internal.concurrent.InFlight;
import dev.evalunit.internal.report.InvocationResult;
import dev.evalunit.internal.report.ProgressOptions;
import dev.evalunit.internal.report.ProgressReporter;
import dev.evalunit.internal.report.RunSummary;
import dev.evalunit.internal.report.allure.AllureOptions;
import dev.evalunit.internal.report.allure.AllureReport;
import dev.evalunit.internal.report.allure.InvocationReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.engine.UniqueId;

/**
 * What one launcher session's benchmark run shares: the configuration, read once, one rate-limited
 * client (the simulator's when there is no API key), each suite's locked state, and what went wrong.
 * Lives in JUnit's root store, so it is created on first use by any suite and closed, flushing
 * everything, when the run ends.
 */
final class BenchmarkRun implements AutoCloseable, Prefetcher.AnswerSource {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(BenchmarkRun.class);

    private static final System.Logger LOG = System.getLogger(BenchmarkRun.class.getName());

    private final EvalConfig config;
    private final RunClient client;
    private final Origin origin;
    private final Set<String> onlyQuestions;
    private final CheckpointOptions checkpoints;
    private final Map<String, CheckpointStore> stores = new ConcurrentHashMap<>();
    private final Map<String, StateLock> locks = new ConcurrentHashMap<>();
    private final RunSummary summary = new RunSummary();
    private final RunEnd end;
    private final Map<String, Double> suiteMinPassRates = new ConcurrentHashMap<>();
    private final ProgressReporter progress;
    private final Duration shutdownGrace;
    private final BatchRouting batches;
    private final AllureReport allure;
    private final RunProblems problems = new RunProblems();
    private final Map<UniqueId, RuntimeException> unplanned = new ConcurrentHashMap<>();
    private final Thread shutdownHook = new Thread(this::stopOnInterrupt, "evalunit-shutdown");
    private volatile boolean interrupted;
    private final InFlight saving = new InFlight(); // requests sent whose answers are not in the checkpoint yet

    private BenchmarkRun(EvalConfig config) {
        this.config = config;
        this.checkpoints = CheckpointOptions.from(config);
        this.onlyQuestions = config.values().get(ConfigKeys.QUESTION)
                .map(q -> Arrays.stream(q.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                        .collect(Collectors.toUnmodifiableSet()))
                .orElse(Set.of());
        // Everything that reads a setting comes first: a bad value must not leave a simulator running.
        ProgressOptions progressOptions = ProgressOptions.from(config);
        AllureOptions allureOptions = AllureOptions.from(config);
        this.shutdownGrace = config.values().getDuration(ConfigKeys.SHUTDOWN_GRACE, Duration.ofSeconds(10));
        dev.evalunit.internal.report.BuildOutcome.Thresholds.from(config); // judged at the end, checked now
        this.end = new RunEnd(config);
        this.client = RunClient.open(config);
        this.origin = client.simulated() ? Origin.simulator() : Origin.live(config.openai().baseUrl());
        if (client.simulated()) {
            System.err.println("evalunit: simulated answers are kept apart from live ones, in "
                    + Origin.SIMULATED_DIRECTORY + "/ of each suite's state under " + checkpoints.directory()
                    + "; a run with a key never replays them");
        }
        this.progress = ProgressReporter.start("benchmarks", 0, () -> client.client().metrics().snapshot(),
                progressOptions);
        this.allure = AllureReport.open(allureOptions, config, client.client().config().openai().baseUrl(),
                client.simulated(), !AllureCleanup.cleanedInThisSession(allureOptions.resultsDir())
                        && AllureCleanup.noOtherRunLive(checkpoints.directory(), allureOptions.resultsDir()));
        this.batches = new BatchRouting(this, config);
        progress.detail(batches::progress);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
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
            int unsaved = saving.awaitNone(deadline);
            if (unsaved > 0) {
                LOG.log(System.Logger.Level.WARNING, unsaved + " answers still unsaved when the grace period ended");
            }
        } finally {
            stores.values().forEach(CheckpointStore::close);
            locks.values().forEach(StateLock::close);
            progress.close();
        }
        long saved = stores.values().stream().mapToLong(CheckpointStore::appended).sum();
        System.out.println("evalunit: interrupted; stopped sending, waited up to " + Durations.format(shutdownGrace)
                + " for requests in flight, and saved " + saved + " answers of this run in "
                + stores.values().stream().map(s -> s.directory().toString()).sorted().toList()
                + ". Run the same command again to resume: stored answers are replayed, not sent again.");
    }

    /**
     * The run of the launcher session {@code context} belongs to, started on first use. A run that cannot
     * start (bad configuration) fails every benchmark test with one line, and the build with the whole
     * message, once, at the end; it is not tried again by each suite.
     */
    static BenchmarkRun of(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).computeIfAbsent(RunStart.class, k -> RunStart.begin(context),
                RunStart.class).run();
    }

    /** A run, or why it could not start; closed with the root store, which ends the run or reports the failure. */
    private record RunStart(BenchmarkRun started, RuntimeException failure, RunEnd end) implements AutoCloseable {

        static RunStart begin(ExtensionContext context) {
            ConfigSources sources = sources(context::getConfigurationParameter);
            try {
                BenchmarkRun run = new BenchmarkRun(EvalConfig.load(sources));
                run.routeAtStart(EligibleTemplates.current());
                return new RunStart(run, null, run.end);
            } catch (RuntimeException e) {
                return new RunStart(null, e, RunEnd.unstarted(sources));
            }
        }

        BenchmarkRun run() {
            if (failure != null) {
                throw new BenchmarkConfigurationException("the benchmark run could not start: "
                        + RunProblems.firstLine(failure) + " (the end of the run says more)", failure);
            }
            return started;
        }

        @Override
        public void close() {
            if (started != null) {
                started.close();
            } else {
                end.failed(List.of(new RunProblems.Problem("the benchmark run could not start",
                        "the benchmark run could not start: " + failure.getMessage())));
            }
        }
    }

    /** The run starts: every selected batch-eligible test is routed now, so batches run meanwhile. */
    private void routeAtStart(List<EligibleTemplates.Template> templates) {
        List<BatchRouting.Planned> plans = new ArrayList<>();
        for (EligibleTemplates.Template t : templates) {
            try {
                plans.add(new BatchRouting.Planned(BenchmarkPlan.of(t.testClass(), t.method(), config.defaultModel(),
                        onlyQuestions, config), t.uniqueId(),
                        Selections.selected(t.uniqueId(), t.testClass(), t.method().getName())));
            } catch (RuntimeException badDeclaration) {
                unplanned.put(t.uniqueId(), badDeclaration); // its own test reports it
            }
        }
        unplanned.putAll(batches.route(plans));
    }

    /**
     * A test starts: its state is locked and, when the start did not (a run without a launcher, such as
     * EngineTestKit's), it is routed.
     *
     * @throws RuntimeException why its plan failed, here or when the run started (for {@link #unplanned})
     */
    void start(BenchmarkPlan plan, UniqueId template, Set<Integer> selected) {
        RuntimeException failed = unplanned.get(template);
        if (failed == null) {
            checkpoint(plan.suite());
            failed = batches.route(List.of(new BatchRouting.Planned(plan, template, selected))).get(template);
        }
        if (failed != null) {
            throw failed;
        }
    }

    /**
     * Records why a test could not be planned, and returns its short failure: a dataset that cannot be
     * read, a {@code @Prompt} that throws, a state another run holds. Each cause is printed once, at the
     * end of the run.
     */
    RuntimeException unplanned(String test, RuntimeException cause) {
        String summary = cause instanceof StateLockedException ? test + ": its suite's state is in use by another run"
                : test + " could not be planned: " + RunProblems.firstLine(cause);
        problems.add(summary, cause instanceof StateLockedException ? cause.getMessage()
                : test + " could not be planned: " + RunProblems.message(cause));
        return new BenchmarkConfigurationException(summary + " (the end of the run says more)", cause);
    }

    /**
     * The configuration from every usual source, with JUnit configuration parameters (a launcher's
     * or EngineTestKit's {@code evalunit.*} settings) as strong as {@code -D} system properties.
     */
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

    /** Where this run's answers come from; only answers of this origin are replayed or collected. */
    Origin origin() {
        return origin;
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

    /**
     * The suite's checkpoint, opened (and its history loaded) on first use, after its state was locked for
     * this run.
     *
     * @throws StateLockedException when another run holds the suite's state
     */
    CheckpointStore checkpoint(String suite) {
        return stores.computeIfAbsent(suite, s -> {
            StateLock lock = StateLock.acquire(checkpoints.suiteDirectory(s), s, checkpoints.lockWait());
            CheckpointStore store;
            try {
                store = CheckpointStore.open(s, origin, checkpoints);
            } catch (RuntimeException e) {
                lock.close();
                throw e;
            }
            locks.put(s, lock);
            LoadReport loaded = store.loadReport();
            if (loaded.lines() > 0) {
                LOG.log(System.Logger.Level.INFO, "evalunit " + s + ": " + loaded.reusable()
                        + " stored answers to replay, " + loaded.stale() + " stale, from " + store.directory()
                        + (loaded.otherOrigin() == 0 ? "" : "; " + loaded.otherOrigin() + " answers of another origin "
                        + "than " + origin + " (or of none recorded) are not replayed"));
            }
            return store;
        });
    }

    /**
     * The stored answer of {@code key}: never one the fallback model gave unless that model is still the
     * configured fallback, so an answer is never passed off as another model's.
     */
    Optional<Completion> stored(CheckpointStore store, InvocationKey key) {
        return store.lookup(key).filter(c -> !c.fromFallback()
                || config.fallbackModel().filter(c.fallbackModel()::equals).isPresent());
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
        Optional<Completion> stored = stored(store, key);
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
        saving.enter();
        CompletableFuture<Completion> stored;
        try {
            stored = llm.generateAsync(request).thenApply(c -> {
                store.append(key, c);
                return c;
            });
        } catch (RuntimeException e) {
            saving.exit();
            throw e;
        }
        return stored.whenComplete((c, e) -> saving.exit());
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
                  Scorecard card, boolean waitingForBatch, Function<InvocationResult, InvocationReport> report) {
        Completion c = answer == null ? null : answer.completion();
        String category = invocation.row() instanceof QuestionRow q ? q.category() : null;
        InvocationResult result = new InvocationResult(plan.suite(), plan.test(),
                invocation.questionId() == null ? "-" : invocation.questionId(), invocation.temperature(),
                invocation.sample(), outcome, c == null ? null : c.text(), c == null ? 0 : c.promptTokens(),
                c == null ? 0 : c.completionTokens(), c == null || answer.replayed() ? 0 : c.costUsd(),
                c == null ? Duration.ZERO : c.latency(), category, answer != null && answer.replayed(),
                card.label().orElse(null), card.scores());
        summary.add(result);
        end.counted(outcome, waitingForBatch, c);
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
     * Ends the run: closes the client (requests in flight finish) and the checkpoints, lets go of each
     * suite's state, prints the score table, and fails the run when a suite misses its thresholds or
     * something kept the run from being a result (a problem, a stop, nothing run).
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
            locks.values().forEach(StateLock::close);
            progress.close();
            allure.close();
        }
        client.client().stops().forEach(stop -> problems.add("requests to " + stop.scope() + " were stopped after "
                + stop.cause().kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '), stop.describe()));
        if (!summary.figures().isEmpty()) {
            Map<String, Path> dirs = new TreeMap<>();
            stores.forEach((suite, store) -> dirs.put(suite, store.directory()));
            System.out.println(summary.render(client.client().metrics().snapshot(), dirs, allure.directory()));
            String batched = batches.summary();
            if (!batched.isEmpty()) {
                System.out.print(batched);
            }
        }
        end.finish(summary, problems, suiteMinPassRates, config, client.client(), origin);
    }
}
