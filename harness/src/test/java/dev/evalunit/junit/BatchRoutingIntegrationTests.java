package dev.evalunit.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.abortedWithReason;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import dev.evalunit.Answer;
import dev.evalunit.BatchEligible;
import dev.evalunit.ChatRequest;
import dev.evalunit.LlmClient;
import dev.evalunit.Prompt;
import dev.evalunit.QuestionRow;
import dev.evalunit.Questions;
import dev.evalunit.Temperature;
import dev.evalunit.Temperatures;
import dev.evalunit.simulator.BatchOptions;
import dev.evalunit.simulator.ManualClock;
import dev.evalunit.simulator.OpenAiSimulator;
import dev.evalunit.simulator.SimulatedBatch;
import dev.evalunit.simulator.SimulatorOptions;
import dev.evalunit.simulator.WebhookSender;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/** @BatchEligible tests routed to the simulator's Batch API, and back through the checkpoint. */
class BatchRoutingIntegrationTests {

    static final int ROWS = 60;

    /** The simulator's clock: batches move only when a test advances it. */
    static final ManualClock clock = new ManualClock();
    static OpenAiSimulator simulator;
    static final AtomicBoolean batchPendingDuringRealTime = new AtomicBoolean();

    @TempDir
    Path state;

    @BeforeEach
    void start() {
        simulator = OpenAiSimulator.start(SimulatorOptions.builder().nanoTime(clock)
                .batch(BatchOptions.builder().validatingTime(Duration.ofMinutes(1)).build()).build());
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    record Row(String id, String text) implements QuestionRow {
    }

    @BenchmarkSuite(name = "Batched", temperatures = {0.0, 1.0})
    static class EligibleTestCase {
        static Stream<Row> rows() {
            return IntStream.rangeClosed(1, ROWS).mapToObj(i -> new Row("q-" + i, "Question " + i + "\nA. yes\nB. no"));
        }

        @Prompt
        static ChatRequest ask(Row row) {
            return ChatRequest.user(row.text()).maxTokens(5).seed(7);
        }

        @BenchmarkTest
        @Questions("rows")
        @BatchEligible
        void answers(Row row, Answer answer) {
            assertThat(answer.letter()).isPresent();
        }
    }

    /** Runs first (see the class orderer below) while the batch is still validating, then lets it finish. */
    @Order(1)
    @BenchmarkSuite(name = "Live", temperatures = 0.0)
    static class RealTimeTestCase {
        @BenchmarkTest
        void meanwhile(Temperature t, LlmClient llm) throws InterruptedException {
            // the batch is submitted in the background when the run starts; it cannot finish before we
            // advance the clock, so once it exists it is pending while this test runs
            for (int i = 0; i < 500 && simulator.batches().isEmpty(); i++) {
                Thread.sleep(10);
            }
            batchPendingDuringRealTime.set(simulator.batches().stream().anyMatch(b -> !b.status().terminal()));
            assertThat(llm.generate(ChatRequest.user("Capital of Australia?")).text()).isNotBlank();
            clock.advance(Duration.ofHours(1));
        }
    }

    private Map<String, String> parameters(Map<String, String> more) {
        Map<String, String> p = new HashMap<>(Map.of(
                "evalunit.checkpoint.dir", state.toString(),
                "evalunit.progress", "off",
                "evalunit.openai.api-key", "sk-" + "test-batches0123456789abcdef",
                "evalunit.openai.base-url", simulator.baseUrl(),
                "evalunit.retry.max-attempts", "1",
                "evalunit.batch.threshold", "50",
                "evalunit.batch.poll-interval", "50ms"));
        p.putAll(more);
        return p;
    }

    private EngineExecutionResults run(Map<String, String> more, Class<?> fixture) {
        return EngineTestKit.engine("junit-jupiter").configurationParameters(parameters(more))
                .selectors(selectClass(fixture)).execute();
    }

    @Test
    @Timeout(120)
    void aBatchRunAgainstAnAddressWhereNothingAnswersStopsAsTheRealTimePathDoesAndSubmitsNoSecondBatch()
            throws Exception {
        int closedPort;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort(); // closed when the probe is: nothing listens there
        }
        String nowhere = "http://127.0.0.1:" + closedPort + "/v1";

        EngineExecutionResults results = run(Map.of("evalunit.openai.base-url", nowhere,
                "evalunit.retry.base-delay", "0ms"), EligibleTestCase.class);

        String failure = results.containerEvents().failed().stream().map(e -> e.getPayload(
                org.junit.platform.engine.TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow()
                .getMessage()).filter(m -> m.startsWith("evalunit: the run failed")).findFirst().orElseThrow();
        assertThat(failure).contains("the Batch API at " + nowhere + " could not be reached")
                .contains("check evalunit.openai.base-url (" + nowhere + ") and the network: no request ever "
                        + "reached the server, so no batch was submitted and none is tried again");
        Path ledger;
        try (Stream<Path> files = java.nio.file.Files.walk(state)) {
            ledger = files.filter(f -> f.getFileName().toString().equals("ledger.jsonl")).findFirst().orElseThrow();
        }
        assertThat(java.nio.file.Files.readAllLines(ledger)).as("one batch planned, not one per retry round")
                .filteredOn(line -> line.contains("\"planned\"")).hasSize(1);
    }

    @Test
    @Timeout(120)
    void withAWebhookARunThatPollsOnceAnHourCollectsItsBatchTheMomentItEnds() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        String secret = WebhookSender.newSecret();
        Thread batchEnds = new Thread(() -> {
            try {
                // after the poll at submission (which found it validating): from then on only the webhook can
                // bring the answers before the next poll, an hour later
                while (simulator.requests().calls("GET /v1/batches/{batch_id}") == 0) {
                    Thread.sleep(10);
                }
                clock.advance(Duration.ofHours(2)); // the batch ends on the simulator, which delivers the event
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "batch-ends");
        EngineExecutionResults results;
        try (WebhookSender webhooks = WebhookSender.start(simulator, URI.create("http://127.0.0.1:" + port + "/"),
                secret)) {
            batchEnds.start();
            results = run(Map.of("evalunit.batch.poll-interval", "1h", "evalunit.batch.webhook.port",
                    String.valueOf(port), "evalunit.batch.webhook.secret", secret), EligibleTestCase.class);
            batchEnds.join();

            results.testEvents().assertStatistics(stats -> stats.started(2 * ROWS).succeeded(2 * ROWS));
            String batch = simulator.batches().get(0).id();
            assertThat(webhooks.deliveredFor(batch).status()).as("the run's answer to the delivery").isEqualTo(200);
        }
        assertThat(simulator.requests().chatRequests()).isZero();
    }

    @Test
    void aWebhookPortThatIsTakenCostsTheRunItsHintsNotItsAnswers() throws Exception {
        clock.advance(Duration.ofHours(2));
        simulator.reconfigure(simulator.options().toBuilder().batch(BatchOptions.instant()).build());
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            EngineExecutionResults results = run(Map.of("evalunit.batch.webhook.port",
                    String.valueOf(taken.getLocalPort()), "evalunit.batch.webhook.secret", WebhookSender.newSecret()),
                    EligibleTestCase.class);

            results.testEvents().assertStatistics(stats -> stats.started(2 * ROWS).succeeded(2 * ROWS));
        }
        assertThat(simulator.requests().batchesCreated()).isEqualTo(1);
    }

    @Test
    void aWebhookPortWithoutASecretFailsTheRunNamingBothSettingsBeforeAnythingIsSent() {
        EngineExecutionResults results = run(Map.of("evalunit.batch.webhook.port", "8787"), EligibleTestCase.class);

        results.containerEvents().assertThatEvents().haveExactly(1, event(finishedWithFailure(message(m ->
                m.startsWith("evalunit: the run failed: ") && m.contains("evalunit.batch.webhook.secret must be")
                        && m.contains("when evalunit.batch.webhook.port is set")))));
        assertThat(simulator.requests().count()).isZero();
    }

    @Test
    void eligibleInvocationsAreAnsweredByOneBatchAndAResumedRunNeitherBatchesNorSends() {
        clock.advance(Duration.ofHours(2)); // nothing in the run advances it: let the batch finish on its first poll
        simulator.reconfigure(simulator.options().toBuilder().batch(BatchOptions.instant()).build());

        EngineExecutionResults results = run(Map.of(), EligibleTestCase.class);

        results.testEvents().assertStatistics(stats -> stats.started(2 * ROWS).succeeded(2 * ROWS));
        assertThat(simulator.requests().batchesCreated()).isEqualTo(1);
        assertThat(simulator.requests().chatRequests()).isZero();
        assertThat(simulator.batches()).extracting(SimulatedBatch::total).containsExactly(2 * ROWS);

        simulator.reset();
        run(Map.of(), EligibleTestCase.class).testEvents().assertStatistics(stats -> stats.succeeded(2 * ROWS));

        assertThat(simulator.requests().batchesCreated()).isZero();
        assertThat(simulator.requests().chatRequests()).isZero();
    }

    @Test
    void anUrgentRunAndARunBelowTheThresholdGoInRealTime() {
        run(Map.of("evalunit.urgent", "true"), EligibleTestCase.class)
                .testEvents().assertStatistics(stats -> stats.succeeded(2 * ROWS));
        assertThat(simulator.requests().batchesCreated()).isZero();
        assertThat(simulator.requests().chatRequests()).isEqualTo(2 * ROWS);

        simulator.reset();
        run(Map.of("evalunit.batch.threshold", "1000", "evalunit.fresh", "true"), EligibleTestCase.class)
                .testEvents().assertStatistics(stats -> stats.succeeded(2 * ROWS));
        assertThat(simulator.requests().batchesCreated()).isZero();
    }

    @Test
    void withoutWaitingInvocationsAreAbortedWithTheirBatchAndTheNextRunCollectsThem() {
        EngineExecutionResults first = run(Map.of("evalunit.batch.wait", "false"), EligibleTestCase.class);

        first.testEvents().assertStatistics(stats -> stats.started(2 * ROWS).aborted(2 * ROWS));
        first.testEvents().assertThatEvents().haveAtLeastOne(event(test(),
                abortedWithReason(message(m -> m.contains("batch_") && m.contains("validating")))));
        assertThat(simulator.requests().batchesCreated()).isEqualTo(1);

        clock.advance(Duration.ofHours(2));
        EngineExecutionResults second = run(Map.of(), EligibleTestCase.class);

        second.testEvents().assertStatistics(stats -> stats.started(2 * ROWS).succeeded(2 * ROWS));
        assertThat(simulator.requests().batchesCreated()).as("batches created over both runs").isEqualTo(1);
        assertThat(simulator.requests().chatRequests()).isZero();
    }

    @Test
    void aRunThatEndsBeforeItsBatchIsNoResultYetAndTheNextOneThatCollectsItIs() {
        EngineExecutionResults first = run(Map.of("evalunit.batch.wait", "false"), EligibleTestCase.class);

        // every answer still in its batch: the run says so and is not green
        first.containerEvents().assertThatEvents().haveExactly(1, event(finishedWithFailure(message(m ->
                m.startsWith("evalunit: the run failed: " + 2 * ROWS + " invocations wait for their batch")
                        && m.contains("run the same command again to collect them")))));

        clock.advance(Duration.ofHours(2));
        EngineExecutionResults second = run(Map.of(), EligibleTestCase.class);

        second.containerEvents().assertThatEvents().noneMatch(e -> e.getPayload(
                org.junit.platform.engine.TestExecutionResult.class).map(r -> r.getStatus()
                == org.junit.platform.engine.TestExecutionResult.Status.FAILED).orElse(false));
    }

    /**
     * A run that collected part of a batch and stopped (killed while collecting, or narrowed to some
     * questions) leaves fewer requests than the threshold; they are in the batch, paid for, so the
     * next run collects them from it instead of sending them in real time.
     */
    @Test
    void requestsAnEarlierRunPutInABatchAreCollectedFromItEvenBelowTheThreshold() {
        run(Map.of("evalunit.batch.wait", "false"), EligibleTestCase.class)
                .testEvents().assertStatistics(stats -> stats.aborted(2 * ROWS));
        clock.advance(Duration.ofHours(2));
        String most = IntStream.rangeClosed(1, 50).mapToObj(i -> "q-" + i).collect(Collectors.joining(","));
        run(Map.of("evalunit.question", most), EligibleTestCase.class)
                .testEvents().assertStatistics(stats -> stats.succeeded(100));
        assertThat(simulator.requests().chatRequests()).isZero();

        // 20 invocations left, fewer than evalunit.batch.threshold=50, and all of them answered in the batch
        run(Map.of(), EligibleTestCase.class).testEvents().assertStatistics(stats -> stats.succeeded(2 * ROWS));

        assertThat(simulator.requests().chatRequests()).as("requests sent again in real time").isZero();
        assertThat(simulator.requests().batchesCreated()).isEqualTo(1);
    }

    @Test
    void aLauncherRunSubmitsTheBatchAtTheStartAndRealTimeTestsRunWhileItIsPending() {
        batchPendingDuringRealTime.set(false);
        Map<String, String> p = new HashMap<>(parameters(Map.of()));
        p.put("junit.jupiter.testclass.order.default", "org.junit.jupiter.api.ClassOrderer$OrderAnnotation");

        ChildRun.Summary summary = ChildRun.execute(List.of(EligibleTestCase.class.getName(),
                RealTimeTestCase.class.getName()), p);

        assertThat(summary.succeeded()).isEqualTo(2 * ROWS + 1);
        assertThat(batchPendingDuringRealTime).as("a batch was pending while the real-time test ran").isTrue();
        assertThat(simulator.requests().batchesCreated()).isEqualTo(1);
        assertThat(simulator.requests().chatRequests()).as("only the real-time test's request").isEqualTo(1);
    }
}
