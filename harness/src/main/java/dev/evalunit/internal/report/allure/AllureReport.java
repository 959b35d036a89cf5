package dev.evalunit.internal.report.allure;

import static org.apiguardian.api.API.Status.INTERNAL;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.evalunit.config.EvalConfig;
import dev.evalunit.internal.report.InvocationResult;
import dev.evalunit.internal.client.Redactor;
import io.qameta.allure.AllureLifecycle;
import io.qameta.allure.FileSystemResultsWriter;
import io.qameta.allure.model.Label;
import io.qameta.allure.model.Parameter;
import io.qameta.allure.model.Status;
import io.qameta.allure.model.StatusDetails;
import io.qameta.allure.model.StepResult;
import io.qameta.allure.model.TestResult;
import io.qameta.allure.util.ResultsUtils;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apiguardian.api.API;

/**
 * Writes a benchmark run's Allure results: one test result per invocation, with its parameters
 * (model, temperature, sample, question), labels (suite, test, category), status as the design's
 * outcome table says (a wrong answer fails, a request that failed after retries is broken, an aborted
 * invocation is skipped), attachments and a history id that depends only on suite, test, question,
 * temperature and sample (and the model, in a run that compares several), so Allure's trends follow an invocation
 * from run to run. Also the run-level
 * {@code environment.properties} and {@code categories.json}. Every text passes through the
 * {@link Redactor}, so the API key never reaches a file. A result that cannot be written is logged
 * once and never fails a test.
 *
 * <p>This class is threadsafe: invocations running in parallel write their results concurrently.
 */
@API(status = INTERNAL, since = "0.1")
public final class AllureReport implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(AllureReport.class.getName());
    private static final AllureReport OFF = new AllureReport(null, Redactor.forKey(null), Map.of(), false);

    private final Path dir;
    private final AllureLifecycle lifecycle;
    private final Redactor redactor;
    private final Map<String, String> environment;
    private final ObjectMapper mapper = new ObjectMapper();
    private final Attachments attachments = new Attachments(mapper);
    private final Set<String> suites = ConcurrentHashMap.newKeySet();
    private final Set<String> models = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean warned = new AtomicBoolean();
    /** {@code evalunit.allure.detail=full}: every part of a call an attachment of its own, whole traces. */
    private final boolean full;

    private AllureReport(Path dir, Redactor redactor, Map<String, String> environment, boolean full) {
        this.dir = dir;
        this.full = full;
        this.lifecycle = dir == null ? null : new AllureLifecycle(new FileSystemResultsWriter(dir));
        this.redactor = redactor;
        this.environment = environment;
    }

    /**
     * Starts the run's results: removes an earlier run's files when {@code clean}, then writes
     * {@code environment.properties} and {@code categories.json}. With {@code evalunit.allure=false}
     * the report writes nothing.
     *
     * @param baseUrl   where requests go (the simulator's address when there is no key); only its host is shown
     * @param simulated whether the built-in simulator answers
     * @param clean     whether to remove earlier runs' results first (not when the launcher already did
     *                  for this session, whose other classes may have written results since)
     */
    public static AllureReport open(AllureOptions options, EvalConfig config, URI baseUrl, boolean simulated,
                                    boolean clean) {
        if (!options.enabled()) {
            return OFF;
        }
        Path dir = options.resultsDir();
        if (clean) {
            clean(dir);
        }
        AllureReport report = new AllureReport(dir, Redactor.of(config),
                RunFiles.environment(config, baseUrl, simulated), options.full());
        report.writeRunFiles();
        return report;
    }

    /** A report that writes nothing. */
    public static AllureReport disabled() {
        return OFF;
    }

    /** Whether results are written. */
    public boolean enabled() {
        return dir != null;
    }

    /** Where results are written, or {@code null} when they are not. */
    public Path directory() {
        return dir;
    }

    /**
     * Removes what Allure's writers and earlier runs left in {@code dir} (results, containers,
     * attachments, the run-level files) so they do not leak into the next report. Subdirectories such as
     * {@code history/}, which CI copies in for trends, and other files stay.
     */
    public static void clean(Path dir) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        int removed = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                if (Files.isRegularFile(f) && RunFiles.isResultFile(f.getFileName().toString())) {
                    Files.deleteIfExists(f);
                    removed++;
                }
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot remove the last run's Allure results in " + dir + ": " + e);
        }
        LOG.log(System.Logger.Level.DEBUG, "removed " + removed + " Allure files of an earlier run from " + dir);
    }

    /** Writes the Allure result of one invocation. */
    public void write(InvocationReport r) {
        if (dir == null) {
            return;
        }
        suites.add(r.result().suite());
        models.add(r.model());
        try {
            writeResult(r);
        } catch (RuntimeException e) {
            if (warned.compareAndSet(false, true)) {
                LOG.log(System.Logger.Level.WARNING, "cannot write Allure results to " + dir + " (reported once): "
                        + redactor.redact(String.valueOf(e)));
            }
        }
    }

    private void writeResult(InvocationReport r) {
        InvocationResult res = r.result();
        String uuid = UUID.randomUUID().toString();
        TestResult result = new TestResult()
                .setUuid(uuid)
                .setName(redact(r.name()))
                .setFullName(redact(r.testClass() + "." + r.testMethod() + "[" + (hasQuestion(res) ? res.questionId() + " " : "")
                        + (res.comparedModel() == null ? "" : res.comparedModel() + " ")
                        + "T=" + (res.temperature() + 0.0) + " s=" + res.sample() + "]"))
                .setTestCaseId(ResultsUtils.md5(String.join("\n", res.suite(), res.test(), res.questionId())))
                .setHistoryId(historyId(res))
                .setTitlePath(List.of(redact(res.suite()), redact(res.test())))
                .setDescription(redact(r.questionText()))
                .setLabels(labels(r))
                .setParameters(parameters(r));
        if (!full) {
            result.getParameters().addAll(scores(res));
        }
        lifecycle.scheduleTestCase(result);
        lifecycle.startTestCase(uuid);
        if (full) {
            attachEachPart(r);
        } else if (r.request() != null) {
            attach(attachments.exchange(r.model(), r.request(), r.completion(), r.failure(), res.replayed(),
                    r.batchId(), res.status() == InvocationResult.Outcome.ABORTED));
        }
        int n = 0;
        for (InvocationReport.Call call : r.calls()) {
            step(++n, call);
        }
        Status status = status(res.status(), r.failure());
        StatusDetails details = details(r.failure());
        lifecycle.updateTestCase(uuid, t -> t.setStatus(status).setStatusDetails(details).setStart(r.startMillis()));
        lifecycle.stopTestCase(uuid);
        lifecycle.updateTestCase(uuid, t -> t.setStop(Math.max(r.startMillis(), r.stopMillis())));
        lifecycle.writeTestCase(uuid);
    }

    /** The full layout: the request, answer, usage, retries, batch and scores, each an attachment of its own. */
    private void attachEachPart(InvocationReport r) {
        InvocationResult res = r.result();
        if (r.request() != null) {
            attach(attachments.request(r.model(), r.request()));
        }
        if (r.completion() != null) {
            attach(attachments.answer(r.completion()));
            attach(attachments.usage(r.completion(), res.replayed(), r.batchId()));
        }
        if (r.request() != null && !res.replayed()) {
            attachments.retries(r.completion(), r.failure()).ifPresent(this::attach);
        }
        if (r.batchId() != null) {
            attach(attachments.batch(r.batchId(), res.status() == InvocationResult.Outcome.ABORTED ? r.failure() : null));
        }
        attachments.scores(res).ifPresent(this::attach);
    }

    /**
     * The same invocation has the same history id in every run: a hash of suite, test, question id,
     * temperature and sample, not of the display name (which shows a shortened question) or of JUnit's
     * invocation number (which changes when {@code evalunit.question} narrows a run). In a run that compares
     * models the model compared is hashed too: two models' answers to one question are two tests to Allure, not
     * one test run twice.
     */
    static String historyId(InvocationResult r) {
        String id = String.join("\n", r.suite(), r.test(), r.questionId(), "T=" + (r.temperature() + 0.0),
                "s=" + r.sample());
        return ResultsUtils.md5(r.comparedModel() == null ? id : id + "\nm=" + r.comparedModel());
    }

    private List<Label> labels(InvocationReport r) {
        InvocationResult res = r.result();
        String testClass = r.testClass();
        int dot = testClass.lastIndexOf('.');
        List<Label> labels = new ArrayList<>(List.of(
                ResultsUtils.createSuiteLabel(res.suite()),
                ResultsUtils.createSubSuiteLabel(res.test()),
                ResultsUtils.createEpicLabel(res.suite()),
                ResultsUtils.createFeatureLabel(res.test()),
                ResultsUtils.createLabel("test", res.test()),
                ResultsUtils.createTestClassLabel(testClass),
                ResultsUtils.createTestMethodLabel(r.testMethod()),
                ResultsUtils.createPackageLabel(dot < 0 ? "" : testClass.substring(0, dot)),
                ResultsUtils.createFrameworkLabel("evalunit"),
                ResultsUtils.createLanguageLabel("java"),
                ResultsUtils.createHostLabel(),
                ResultsUtils.createThreadLabel()));
        if (res.category() != null && !res.category().isBlank()) {
            labels.add(ResultsUtils.createLabel("category", res.category()));
            labels.add(ResultsUtils.createStoryLabel(res.category())); // Behaviors: suite, test, category
        }
        labels.forEach(l -> l.setValue(redact(l.getValue())));
        return labels;
    }

    private List<Parameter> parameters(InvocationReport r) {
        InvocationResult res = r.result();
        List<Parameter> parameters = new ArrayList<>();
        parameters.add(ResultsUtils.createParameter("model", redact(r.model())));
        parameters.add(ResultsUtils.createParameter("temperature", String.valueOf(res.temperature() + 0.0)));
        parameters.add(ResultsUtils.createParameter("sample", String.valueOf(res.sample())));
        if (hasQuestion(res)) {
            parameters.add(ResultsUtils.createParameter("question", redact(res.questionId())));
        }
        return parameters;
    }

    /** Whether the invocation has a question: hand-written tests have none, which the summary writes {@code -}. */
    private static boolean hasQuestion(InvocationResult r) {
        return !r.questionId().equals("-");
    }

    /** The design's outcome table: a wrong answer fails, a request that failed for good (or a test bug) is broken. */
    static Status status(InvocationResult.Outcome outcome, Throwable failure) {
        return switch (outcome) {
            case PASSED -> Status.PASSED;
            case ABORTED, SKIPPED -> Status.SKIPPED;
            case FAILED, ERROR -> failure instanceof AssertionError ? Status.FAILED : Status.BROKEN;
        };
    }

    /** The label and scores a test recorded, as parameters: {@code label}, {@code score truthful}. */
    private List<Parameter> scores(InvocationResult res) {
        List<Parameter> parameters = new ArrayList<>();
        if (res.label() != null) {
            parameters.add(ResultsUtils.createParameter("label", redact(res.label())));
        }
        new java.util.TreeMap<>(res.scores()).forEach((name, value) -> parameters.add(
                ResultsUtils.createParameter("score " + redact(name), String.valueOf(value))));
        return parameters;
    }

    private StatusDetails details(Throwable failure) {
        return ResultsUtils.getStatusDetails(failure)
                .map(d -> d.setMessage(redact(d.getMessage())).setTrace(redact(full ? d.getTrace() : Traces.cut(failure)))
                        .setActual(redact(d.getActual())).setExpected(redact(d.getExpected())))
                .orElse(null);
    }

    /** A call the test body made through its client, as a step with its own request and answer. */
    private void step(int n, InvocationReport.Call call) {
        String uuid = UUID.randomUUID().toString();
        String name = "call " + n + ": " + call.model() + (call.replayed() ? " (replayed from the checkpoint)" : "");
        StepResult step = new StepResult().setName(redact(name));
        lifecycle.startStep(uuid, step);
        if (!full) {
            attach(attachments.exchange(call.model(), call.request(), call.completion(), call.failure(), call.replayed(),
                    null, false));
        } else {
            attach(attachments.request(call.model(), call.request()));
            if (call.completion() != null) {
                attach(attachments.answer(call.completion()));
                attach(attachments.usage(call.completion(), call.replayed(), null));
            }
            if (!call.replayed()) {
                attachments.retries(call.completion(), call.failure()).ifPresent(this::attach);
            }
        }
        Status status = call.failure() == null ? Status.PASSED : status(InvocationResult.Outcome.ERROR, call.failure());
        StatusDetails details = details(call.failure());
        lifecycle.updateStep(uuid, s -> s.setStatus(status).setStatusDetails(details).setStart(call.startMillis()));
        lifecycle.stopStep(uuid);
        // stopStep stamps the step with now and forgets it; the step, still in its test's result, gets the
        // call's own end (it ended before the invocation did, when the body had its answer)
        step.setStop(Math.max(call.startMillis(), call.stopMillis()));
    }

    private void attach(Attachments.Content content) {
        lifecycle.addAttachment(content.name(), content.type(), content.extension(),
                redact(content.text()).getBytes(StandardCharsets.UTF_8));
    }

    private String redact(String text) {
        return redactor.redact(text);
    }

    private void writeRunFiles() {
        try {
            RunFiles.writeEnvironment(dir, environment, redactor);
            RunFiles.writeCategories(dir, mapper);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot write Allure's run files in " + dir + ": " + e);
        }
    }

    /** The run ended: the environment also lists the suites and models that ran. */
    @Override
    public void close() {
        if (dir == null || suites.isEmpty()) {
            return;
        }
        Map<String, String> env = new LinkedHashMap<>(environment);
        env.put("suites", String.join(", ", new TreeSet<>(suites)));
        env.put("models", String.join(", ", new TreeSet<>(models)));
        try {
            RunFiles.writeEnvironment(dir, env, redactor);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot write Allure's environment in " + dir + ": " + e);
        }
    }
}
