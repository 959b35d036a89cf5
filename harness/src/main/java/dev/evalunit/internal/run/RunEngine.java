package dev.evalunit.internal.run;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.evalunit.Answer;
import dev.evalunit.BenchmarkConfigurationException;
import dev.evalunit.ChatRequest;
import dev.evalunit.Completion;
import dev.evalunit.LlmClient;
import dev.evalunit.Scorecard;
import dev.evalunit.internal.client.RunClient;
import dev.evalunit.config.BatchConfig;
import dev.evalunit.config.ConfigKeys;
import dev.evalunit.config.ConfigSources;
import dev.evalunit.config.Durations;
import dev.evalunit.config.EvalConfig;
import dev.evalunit.internal.batch.WebhookOptions;
import dev.evalunit.internal.checkpoint.CheckpointOptions;
import dev.evalunit.internal.checkpoint.Origin;
import dev.evalunit.internal.checkpoint.StateLock;
import dev.evalunit.internal.checkpoint.StateLockedException;
import dev.evalunit.internal.report.BuildOutcome;
import dev.evalunit.internal.report.InvocationResult;
import dev.evalunit.internal.report.ProgressOptions;
import dev.evalunit.internal.report.ProgressReporter;
import dev.evalunit.internal.report.allure.AllureOptions;
import dev.evalunit.internal.report.allure.AllureReport;
import dev.evalunit.internal.report.allure.InvocationReport;
import dev.evalunit.internal.runs.RunRecord;
import dev.evalunit.internal.client.Redactor;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apiguardian.api.API;

/**
 * The run engine: one benchmark run from its start to its verdict, knowing nothing of JUnit. It takes
 * {@link PlannedTest}s and their {@link PlannedInvocation}s and hands back answers (replayed from the
 * checkpoint, collected from a batch, or sent through the one rate-limited client, the simulator's when
 * there is no API key), and takes each invocation's outcome for the summary, the progress line, the
 * Allure results and the verdict. Each suite's state is locked while the run uses it. Ctrl-C stops
 * sending and saves what is in flight. Thread-safe: tests may run in parallel.
 *
 * <p>It keeps the run's life cycle and hands each job to a collaborator of its own: {@link TestPreparation} gets
 * each test ready (its questions checked, its cost estimated, its batch-eligible invocations routed by
 * {@link Routes}); {@link SuiteStates} locks each suite's state and opens its checkpoint; {@link FollowUpAnswers}
 * and {@link StageAnswers} answer invocations, sending through the {@link Sender}; {@link RunReports} reports what
 * finished, for the verdict {@link RunEnd} writes.
 */
@API(status = INTERNAL, since = "0.1")
public final class RunEngine implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(RunEngine.class.getName());

    /**
     * An invocation's answer, how it came, and the answers of its follow-ups.
     *
     * @param followUps by follow-up name, in declaration order; empty for a test without follow-ups
     */
    public record Answered(Answer answer, PlannedInvocation.Route route, Map<String, Answer> followUps) {
        public Answered {
            followUps = Collections.unmodifiableMap(new LinkedHashMap<>(followUps));
        }

        /**
         * The answer of {@code request} without follow-ups: {@code reused} when it was stored, or paid for by
         * another invocation (replayed); else it came from the batch {@code batchId}, or in real time when that is
         * {@code null}.
         */
        static Answered of(ChatRequest request, Completion completion, String batchId, boolean reused) {
            return new Answered(new Answer(request, completion, reused), reused ? PlannedInvocation.Route.REPLAYED
                    : batchId == null ? PlannedInvocation.Route.REAL_TIME : PlannedInvocation.Route.batch(batchId),
                    Map.of());
        }
    }

    private final EvalConfig config;
    private final RowSelection rows;
    /** Whether the run selected single tests or invocations (an IDE's): it is kept, but is not runs/latest. */
    private final boolean narrow;
    /** {@code evalunit.dry-run}: plan, count and price everything, send nothing. */
    private final boolean dryRun;
    private final Duration shutdownGrace;
    private final RunClient client;
    private final SuiteStates states;
    private final Sender sender;
    private final Batches batches;
    private final Routes routes;
    private final StageAnswers stages;
    private final FollowUpAnswers answers;
    private final TestPreparation preparation;
    private final RunReports reports;
    private final RunProblems problems = new RunProblems();
    private final Thread shutdownHook = new Thread(this::stopOnInterrupt, "evalunit-shutdown");
    private volatile boolean interrupted;

    /**
     * Starts a run: reads every setting (a bad one fails here, before anything starts), opens the client
     * (starting the simulator when there is no key) and the reports.
     *
     * @param narrow       whether the run selected single tests or invocations only (an IDE's run): urgent
     * @param cleanResults whether the Allure results left by earlier runs are to be removed now (no launcher did)
     */
    public RunEngine(EvalConfig config, boolean narrow, boolean cleanResults) {
        this.config = config;
        CheckpointOptions checkpoints = CheckpointOptions.from(config);
        this.rows = RowSelection.from(config);
        // Everything that reads a setting comes first: a bad value must not leave a simulator running.
        ProgressOptions progressOptions = ProgressOptions.from(config);
        AllureOptions allureOptions = AllureOptions.from(config);
        this.shutdownGrace = config.values().getDuration(ConfigKeys.SHUTDOWN_GRACE, Duration.ofSeconds(10));
        BuildOutcome.Thresholds.from(config); // judged at the end, checked now
        Optional<WebhookOptions> webhooks = WebhookOptions.from(config);
        RunEnd end = new RunEnd(config);
        this.narrow = narrow;
        this.dryRun = config.values().getBoolean(ConfigKeys.DRY_RUN, false);
        this.client = RunClient.open(config);
        Origin origin = client.simulated() ? Origin.simulator() : Origin.live(config.openai().baseUrl())
                .withAnthropic(config.values().getAs(ConfigKeys.ANTHROPIC_BASE_URL, URI.create("https://api.anthropic.com"),
                        "an http(s) URL", URI::create));
        Redactor redactor = Redactor.of(config);
        this.states = new SuiteStates(checkpoints, origin, config.fallbackModel());
        List<String> models = config.models();
        RunRecord record = RunRecord.start(end.resultsDir(), config.values(), origin.id(), models, Clock.systemUTC());
        allureOptions = allureOptions.orIn(record.allureResults());
        if (client.simulated()) {
            System.err.println("evalunit: simulated answers are kept apart from live ones, in "
                    + Origin.SIMULATED_DIRECTORY + "/ of each suite's state under " + checkpoints.directory()
                    + "; a run with a key never replays them");
        }
        ProgressReporter progress = ProgressReporter.start("benchmarks", 0, () -> client.client().metrics().snapshot(),
                progressOptions);
        AllureReport allure = AllureReport.open(allureOptions, config, client.client().config().openai().baseUrl(),
                client.simulated(), allureOptions.shared() && cleanResults
                        && noOtherRunLive(checkpoints.directory(), allureOptions.resultsDir()));
        this.reports = new RunReports(end, record, progress, allure, redactor, origin, models);
        this.sender = new Sender(client.client(), states);
        BatchConfig batch = Batches.settings(client.simulated(), webhooks.isPresent(), config);
        this.batches = new Batches(config, batch, webhooks, states, sender, client.client(), client::anthropicEndpoint);
        this.routes = new Routes(config, batch, narrow, dryRun, states, batches);
        this.stages = new StageAnswers(states, batches, sender, this::interrupted, dryRun);
        this.answers = new FollowUpAnswers(stages, routes, states);
        this.preparation = new TestPreparation(config, rows, states, routes, dryRun);
        progress.detail(batches::progress);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Whether no other evalunit run is live on this project's state: only then are earlier results stale.
     * Otherwise they may be that run's, written as it goes, and are kept (with a warning that says why).
     */
    public static boolean noOtherRunLive(Path checkpointRoot, Path resultsDir) {
        List<StateLock.Holder> live = StateLock.otherLiveRuns(checkpointRoot);
        if (!live.isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "the results in " + resultsDir + " are kept, not cleaned: another "
                    + "evalunit run is live on " + checkpointRoot + " (" + live.get(0).describe() + ") and may be writing them");
        }
        return live.isEmpty();
    }

    /**
     * A run that could not start ({@code failure}, e.g. a bad setting): its verdict is written where the
     * configuration, as far as it reads, says, and the failure printed once.
     *
     * @throws AssertionError always, naming the failure
     */
    public static void failedToStart(ConfigSources sources, RuntimeException failure) {
        RunEnd.unstarted(sources).failed(List.of(new RunProblems.Problem("the benchmark run could not start",
                "the benchmark run could not start: " + failure.getMessage())));
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
            routes.interrupt(shutdownGrace);
            client.close(shutdownGrace);
            int unsaved = sender.awaitSaved(deadline);
            if (unsaved > 0) {
                LOG.log(System.Logger.Level.WARNING, unsaved + " answers still unsaved when the grace period ended");
            }
        } finally {
            states.close();
            reports.interrupted();
        }
        long saved = states.appended();
        System.out.println("evalunit: interrupted; stopped sending, waited up to " + Durations.format(shutdownGrace)
                + " for requests in flight, and saved " + saved + " answers of this run in "
                + states.directories().values().stream().map(Path::toString).sorted().toList()
                + ". Run the same command again to resume: stored answers are replayed, not sent again.");
    }

    /**
     * The run starts: every selected batch-eligible test is routed now, so batches run meanwhile. A test
     * whose plan fails is left out; its own start reports it.
     */
    public void routeAtStart(List<SelectedTest> tests) {
        preparation.prepareAll(tests);
    }

    /** A test known by {@code id}, whose declaration could not be read: its start reports it. */
    public void unplannable(String id, RuntimeException badDeclaration) {
        preparation.unplannable(id, badDeclaration);
    }

    /**
     * A test starts: its suite's state is locked and, when the run's start did not (a run without a
     * launcher), it is routed. Returns the look-ahead that answers its invocations.
     *
     * @throws RuntimeException why its plan failed, here or when the run started: see {@link #unplanned}
     */
    public Lookahead start(PlannedTest test, String id, Set<Integer> selected) {
        preparation.prepare(new SelectedTest(test, id, selected));
        reports.started(test, selected.isEmpty() ? test.invocations().count() : selected.size());
        return new Lookahead(answers, test, selected, lookAhead());
    }

    /**
     * Records why a test could not be planned, and returns its short failure: a dataset that cannot be
     * read, a {@code @Prompt} that throws, a state another run holds. Each cause is printed once, at the
     * end of the run.
     */
    public RuntimeException unplanned(String test, RuntimeException cause) {
        String summary = cause instanceof StateLockedException ? test + ": its suite's state is in use by another run"
                : test + " could not be planned: " + RunProblems.firstLine(cause);
        problems.add(summary, cause instanceof StateLockedException ? cause.getMessage()
                : test + " could not be planned: " + RunProblems.message(cause));
        return new BenchmarkConfigurationException(summary + " (the end of the run says more)", cause);
    }

    public EvalConfig config() {
        return config;
    }

    /** Whether the run only plans, counts and prices ({@code evalunit.dry-run}): nothing is sent. */
    public boolean dryRun() {
        return dryRun;
    }

    /** Whether Ctrl-C (or SIGTERM) has stopped the run. */
    public boolean interrupted() {
        return interrupted;
    }

    /** The run's client for code outside any invocation ({@code @BeforeAll}, a plain test); calls are not checkpointed. */
    public LlmClient client() {
        return client.client();
    }

    /** The client an invocation's body calls: each call a stage of the invocation, checkpointed under its own key. */
    public StageClient stageClient(PlannedInvocation invocation) {
        return new StageClient(stages, config.defaultModel(), invocation);
    }

    /** The questions {@code evalunit.question} narrows the run to; empty for all. */
    public RowSelection rows() {
        return rows;
    }

    /** How far ahead of the bodies requests are started: enough to keep every connection busy. */
    private int lookAhead() {
        return Math.max(32, 4 * config.rateLimit().maxConcurrency());
    }

    /**
     * How one invocation ended, as the adapter saw it.
     *
     * @param invocation      the invocation, routed when its answer came
     * @param outcome         how it ended
     * @param answer          its answer, or {@code null}
     * @param card            what the test recorded
     * @param failure         why it did not pass, or {@code null}
     * @param waitingForBatch whether it was aborted because its batch is still running (its route names it)
     * @param calls           its follow-ups and the calls its body made, from its {@link StageClient}
     * @param followUps       its follow-ups' answers by name (also among {@code calls})
     * @param testClass       the test class's binary name
     * @param testMethod      the test method's name
     * @param testModel       the test's model (its suite's), what a test without a prompt is reported under
     * @param startMillis     when it started, epoch milliseconds
     * @param stopMillis      when it ended
     */
    public record Finished(PlannedInvocation invocation, InvocationResult.Outcome outcome, Answer answer,
                           Scorecard card, Throwable failure, boolean waitingForBatch, List<InvocationReport.Call> calls,
                           Map<String, Answer> followUps, String testClass, String testMethod, String testModel,
                           long startMillis, long stopMillis) {
        public Finished {
            followUps = followUps == null ? Map.of() : followUps;
        }
    }

    /** One invocation finished: counted for the summary, the progress line and the verdict, and reported. */
    public void finished(Finished f) {
        reports.finished(f);
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
            routes.close();
            client.close();
        } finally {
            states.close();
            reports.close();
        }
        client.client().stops().forEach(stop -> problems.add("requests to " + stop.scope() + " were stopped after "
                + stop.cause().kind().name().toLowerCase(Locale.ROOT).replace('_', ' '), stop.describe()));
        reports.printSummary(client.client().metrics().snapshot(), states.directories(), batches::summary);
        if (dryRun) {
            reports.dryRun(preparation.estimates());
            return;
        }
        reports.finish(problems, config, client.client(), narrowed(), preparation.questionsNotFound());
    }

    /** Why this run is narrower than its tests (an IDE's selection, some questions), or {@code null}. */
    private String narrowed() {
        if (narrow) {
            return "narrowed to single tests or invocations (an IDE's run, or -Dtest=Class#method)";
        }
        return config.values().isSet(ConfigKeys.QUESTION) ? "narrowed to some questions (" + ConfigKeys.QUESTION + ")"
                : null;
    }
}
