package dev.evalunit.internal.batch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.evalunit.Completion;
import dev.evalunit.config.BatchConfig;
import dev.evalunit.config.PriceTable;
import dev.evalunit.simulator.BatchOptions;
import dev.evalunit.simulator.ManualClock;
import dev.evalunit.simulator.OpenAiSimulator;
import dev.evalunit.simulator.SimulatorOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coordinator with {@link AnthropicBatchApi} against the simulator's Message Batches: answers collected at the
 * batch price and checkpointed before the ledger says collected, a run killed after its batch was created reattached
 * by the next without sending anything again, and only the failed or expired requests sent again. Nothing goes to
 * real time here. Given / When / Then.
 */
class AnthropicBatchCoordinatorTests {

    private static final ManualClock simulatorClock = new ManualClock();
    /** Each batch validates for a minute, so a test decides when it moves on; requests take no time. */
    private static final BatchOptions HELD = BatchOptions.builder().validatingTime(Duration.ofMinutes(1))
            .requestTime(Duration.ZERO).finalizingTime(Duration.ZERO).cancellingTime(Duration.ZERO).build();
    private static final SimulatorOptions ECHO = SimulatorOptions.builder().nanoTime(simulatorClock)
            .answerer((request, choice, random) -> "echo: " + request.lastUserMessage()).batch(HELD).build();
    @AutoClose
    private static final OpenAiSimulator simulator = OpenAiSimulator.start(ECHO);
    private static final AnthropicBatchApi api = AnthropicBatchApiTests.api(simulator);

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2025-08-07T10:00:00Z"));
    private final List<BatchCoordinator> opened = new ArrayList<>();
    private final List<String> realTime = Collections.synchronizedList(new ArrayList<>());
    private final List<String> checkpointed = Collections.synchronizedList(new ArrayList<>());

    @AfterAll
    static void closeApi() {
        api.close();
    }

    @BeforeEach
    void reset() {
        simulator.reconfigure(ECHO);
        simulator.reset();
    }

    @AfterEach
    void closeAll() {
        opened.forEach(BatchCoordinator::close);
    }

    private BatchCoordinator run(BatchApi through) {
        return run(through, BatchConfig.defaults().withPollInterval(Duration.ofMillis(5)).withThreshold(1),
                CompletableFuture.failedFuture(new AssertionError("nothing goes to real time here")));
    }

    /** A coordinator whose real-time fallback records each request and answers {@code realTimeAnswer}. */
    private BatchCoordinator run(BatchApi through, BatchConfig config, CompletableFuture<Completion> realTimeAnswer) {
        BatchCoordinator c = BatchCoordinator.builder(through, dir, config, PriceTable.defaults())
                .realtime(item -> {
                    realTime.add(item.customId());
                    return realTimeAnswer;
                })
                .sink((item, completion) -> checkpointed.add(item.customId()))
                .clock(clock)
                .build();
        opened.add(c);
        return c;
    }

    private static List<BatchItem> items(int count) {
        List<BatchItem> items = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            items.add(AnthropicBatchApiTests.item(i));
        }
        return items;
    }

    private static Completion answer(BatchCoordinator run, int n) throws Exception {
        return run.answer(AnthropicBatchApiTests.item(n).customId()).get(30, TimeUnit.SECONDS);
    }

    /** The wire custom ids of each Message Batch created, in order, as the simulator received them. */
    private static List<Set<String>> created() {
        ObjectMapper json = new ObjectMapper();
        return simulator.requests().all().stream().filter(r -> r.endpoint().equals("POST /v1/messages/batches")
                && r.status() == 200).map(r -> {
                    try {
                        Set<String> ids = new LinkedHashSet<>();
                        for (JsonNode request : json.readTree(r.body()).get("requests")) {
                            ids.add(request.get("custom_id").asText());
                        }
                        return ids;
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }).toList();
    }

    private static void awaitCreated(int batches) throws InterruptedException {
        for (int i = 0; i < 3000 && created().size() < batches; i++) {
            Thread.sleep(10);
        }
        assertThat(created()).hasSize(batches);
    }

    @Test
    void aMessageBatchIsCollectedAtTheBatchPriceAndRecordedCollectedAfterItsAnswers() throws Exception {
        BatchCoordinator batches = run(api);
        batches.submit(items(5)).get(30, TimeUnit.SECONDS);

        simulatorClock.advance(Duration.ofMinutes(2));

        for (int i = 0; i < 5; i++) {
            Completion answer = answer(batches, i);
            assertThat(answer.text()).isEqualTo("echo: Question " + i + "?");
            assertThat(answer.model()).isEqualTo("claude-haiku-4-5");
        }
        assertThat(created()).singleElement().satisfies(ids -> assertThat(ids).hasSize(5)
                .allSatisfy(id -> assertThat(id).matches("[a-zA-Z0-9_-]{1,64}")));
        assertThat(simulator.requests().messagesRequests()).as("nothing in real time").isZero();
        batches.close(); // waits for the collection under way, which records the batch after its answers
        assertThat(checkpointed).hasSize(5);
        assertThat(batches.figures().answered()).isEqualTo(5);
        assertThat(batches.figures().costUsd()).isPositive()
                .isCloseTo(batches.figures().realTimeCostUsd() / 2, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(batches.ledger().read().values()).singleElement().satisfies(e -> {
            assertThat(e.collected()).isTrue();
            assertThat(e.batchId()).startsWith("msgbatch_");
        });
        assertThat(realTime).isEmpty();
    }

    /** A run killed after Anthropic created its batch and before the ledger recorded the batch id. */
    private static final class KilledAfterCreate implements BatchApi {
        @Override
        public String endpoint() {
            return api.endpoint();
        }

        @Override
        public boolean uploads() {
            return api.uploads();
        }

        @Override
        public String upload(Path jsonl) {
            return api.upload(jsonl);
        }

        @Override
        public BatchInfo create(String inputFileId, Map<String, String> metadata) {
            return create(inputFileId, metadata, Set.of());
        }

        @Override
        public BatchInfo create(String inputFileId, Map<String, String> metadata, Set<String> known) {
            api.create(inputFileId, Map.of(), known); // no ledger id: this process's memory of it dies with it
            throw new IllegalStateException("killed");
        }

        @Override
        public BatchInfo retrieve(String batchId) {
            return api.retrieve(batchId);
        }

        @Override
        public List<BatchInfo> list(Instant since) {
            return api.list(since);
        }

        @Override
        public BatchInfo cancel(String batchId) {
            return api.cancel(batchId);
        }

        @Override
        public void download(String fileId, Path target) {
            api.download(fileId, target);
        }
    }

    @Test
    void aRunKilledAfterItsMessageBatchWasCreatedIsCollectedByTheNextWithoutSendingAgain() throws Exception {
        run(new KilledAfterCreate()).submit(items(3)).exceptionally(e -> null).get(30, TimeUnit.SECONDS);
        assertThat(created()).hasSize(1);
        assertThat(BatchLedger.in(dir).read().values()).singleElement()
                .satisfies(e -> assertThat(e.phase()).isEqualTo(LedgerEntry.Phase.UPLOADED));
        // another batch of another size, created meanwhile by someone else, is not taken for it
        api.create(api.upload(new InputFiles(Files.createDirectories(dir.resolve("other")), BatchLimits.OPENAI,
                () -> "b-other").write(items(2)).files().get(0).input()), Map.of());

        BatchCoordinator next = run(api);
        next.submit(items(3)).get(30, TimeUnit.SECONDS);
        simulatorClock.advance(Duration.ofMinutes(2));

        for (int i = 0; i < 3; i++) {
            assertThat(answer(next, i).text()).isEqualTo("echo: Question " + i + "?");
        }
        assertThat(created()).as("no second batch of these requests").hasSize(2);
        next.close();
        assertThat(BatchLedger.in(dir).read().values()).singleElement().satisfies(e -> {
            assertThat(e.phase()).isEqualTo(LedgerEntry.Phase.DONE);
            assertThat(e.batchId()).isNotNull();
        });
        assertThat(realTime).isEmpty();
    }

    @Test
    void aRunThatStoppedWhileItsMessageBatchRanIsCollectedByTheNextFromTheLedger() throws Exception {
        BatchCoordinator first = run(api);
        first.submit(items(4)).get(30, TimeUnit.SECONDS);
        first.close();
        assertThat(BatchLedger.in(dir).read().values()).singleElement()
                .satisfies(e -> assertThat(e.phase()).isEqualTo(LedgerEntry.Phase.CREATED));

        // a new process: the batch is known only through the ledger and the ids file beside it
        try (AnthropicBatchApi fresh = AnthropicBatchApiTests.api(simulator)) {
            BatchCoordinator next = run(fresh);
            next.submit(List.of(items(4).get(1), items(4).get(3))).get(30, TimeUnit.SECONDS);
            simulatorClock.advance(Duration.ofMinutes(2));

            assertThat(answer(next, 1).text()).isEqualTo("echo: Question 1?");
            assertThat(answer(next, 3).text()).isEqualTo("echo: Question 3?");
            next.close();
        }
        assertThat(created()).hasSize(1);
        assertThat(checkpointed).containsExactlyInAnyOrder(items(4).get(1).customId(), items(4).get(3).customId());
    }

    @Test
    void onlyTheErroredRequestsAreSentAgainInASecondBatch() throws Exception {
        simulator.reconfigure(ECHO.toBuilder().batch(HELD.toBuilder().failedLineShare(0.5).build()).build());
        BatchCoordinator batches = run(api);
        batches.submit(items(20)).get(30, TimeUnit.SECONDS);
        simulator.reconfigure(ECHO); // the retry's requests all succeed

        simulatorClock.advance(Duration.ofMinutes(2));
        awaitCreated(2);
        simulatorClock.advance(Duration.ofMinutes(2));

        for (int i = 0; i < 20; i++) {
            assertThat(answer(batches, i).text()).isEqualTo("echo: Question " + i + "?");
        }
        List<Set<String>> sent = created();
        long errored = api.list(Instant.EPOCH).stream().filter(b -> b.counts().total() == 20)
                .mapToLong(b -> b.counts().failed()).sum();
        assertThat(errored).isBetween(1L, 19L);
        assertThat(sent.get(1)).hasSize((int) errored);
        assertThat(sent.get(0)).containsAll(sent.get(1));
        assertThat(realTime).isEmpty();
    }

    @Test
    void onlyTheRequestsAnExpiredBatchDidNotRunAreSentAgain() throws Exception {
        simulator.reconfigure(ECHO.toBuilder().batch(HELD.toBuilder().requestTime(Duration.ofSeconds(1))
                .expireAfterShare(0.25).build()).build());
        BatchCoordinator batches = run(api);
        batches.submit(items(8)).get(30, TimeUnit.SECONDS);
        simulator.reconfigure(ECHO);

        simulatorClock.advance(Duration.ofMinutes(2));
        awaitCreated(2);
        simulatorClock.advance(Duration.ofMinutes(2));

        for (int i = 0; i < 8; i++) {
            assertThat(answer(batches, i).text()).isEqualTo("echo: Question " + i + "?");
        }
        List<Set<String>> sent = created();
        Set<String> expired = new LinkedHashSet<>();
        for (int i = 2; i < 8; i++) {
            expired.add(BatchLines.customId(AnthropicBatchApiTests.item(i)));
        }
        assertThat(sent.get(1)).as("the first 2 ran; the 6 others expired").containsExactlyInAnyOrderElementsOf(expired);
        assertThat(realTime).isEmpty();
    }

    private static Completion realTimeAnswer() {
        return new Completion("in real time", List.of("in real time"), "stop", "claude-haiku-4-5", 1, 1, 0,
                Duration.ZERO, Duration.ZERO, 1, null, null, 0, List.of(), List.of(), null, List.of());
    }

    @Test
    void atTheDeadlineTheRestGoesToRealTimeAndTheMessageBatchIsCancelled() throws Exception {
        BatchCoordinator batches = run(api, BatchConfig.defaults().withPollInterval(Duration.ofMillis(5))
                .withDeadline(Duration.ofHours(1), true), CompletableFuture.completedFuture(realTimeAnswer()));
        batches.submit(items(3)).get(30, TimeUnit.SECONDS);

        clock.advance(Duration.ofHours(2));

        for (int i = 0; i < 3; i++) {
            assertThat(answer(batches, i).text()).isEqualTo("in real time");
        }
        assertThat(realTime).hasSize(3);
        String batchId = batches.ledger().read().values().iterator().next().batchId();
        assertThat(api.retrieve(batchId).status()).isIn(BatchStatus.CANCELLING, BatchStatus.CANCELLED);
        assertThat(batches.ledger().read().values()).singleElement().satisfies(e -> assertThat(e.cancelled()).isTrue());
    }

    @Test
    void erroredRequestsFewerThanTheThresholdAreSentInRealTime() throws Exception {
        simulator.reconfigure(ECHO.toBuilder().batch(HELD.toBuilder().failedLineShare(1).build()).build());
        BatchCoordinator batches = run(api, BatchConfig.defaults().withPollInterval(Duration.ofMillis(5))
                .withThreshold(100), CompletableFuture.completedFuture(realTimeAnswer()));
        batches.submit(items(3)).get(30, TimeUnit.SECONDS);

        simulatorClock.advance(Duration.ofMinutes(2));

        for (int i = 0; i < 3; i++) {
            assertThat(answer(batches, i).text()).isEqualTo("in real time");
        }
        assertThat(realTime).hasSize(3);
        assertThat(created()).as("no retry batch").hasSize(1);
    }

    @Test
    void anAnthropicAddressWhereNothingAnswersStopsTheSubmissionNamingItsSetting() throws Exception {
        int closedPort;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort(); // closed when the probe is: nothing listens there
        }
        String nowhere = "http://127.0.0.1:" + closedPort;
        try (AnthropicBatchApi unreachable = AnthropicBatchApi.create(() -> new dev.evalunit.internal.client
                .AnthropicEndpoint(java.net.URI.create(nowhere), "sk-ant-x", Duration.ofSeconds(1),
                Duration.ofSeconds(2)), AnthropicBatchApiTests.FAST_RETRIES)) {
            BatchCoordinator batches = run(unreachable);
            batches.submit(items(2)).get(30, TimeUnit.SECONDS);

            assertThat(batches.answer(AnthropicBatchApiTests.item(0).customId())).failsWithin(Duration.ofSeconds(30))
                    .withThrowableThat().withMessageContaining("Anthropic's Message Batches at " + nowhere
                            + " could not be reached").withMessageContaining("check evalunit.anthropic.base-url");
        }
        assertThat(realTime).isEmpty();
    }
}
