package dev.evalunit.internal.batch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.evalunit.Completion;
import dev.evalunit.internal.client.ThrottledClient;
import dev.evalunit.config.BatchConfig;
import dev.evalunit.config.EvalConfig;
import dev.evalunit.config.OpenAIConfig;
import dev.evalunit.config.PriceTable;
import dev.evalunit.config.RetryConfig;
import dev.evalunit.simulator.BatchOptions;
import dev.evalunit.simulator.ManualClock;
import dev.evalunit.simulator.OpenAiSimulator;
import dev.evalunit.simulator.SimulatedBatch;
import dev.evalunit.simulator.SimulatorOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coordinator against the simulator's Files and Batch APIs, through openai-java. The simulator's
 * batches move on its manual clock; the coordinator's deadline on a clock of its own. Given / When / Then.
 */
class BatchSimulatorIntegrationTests {

    private static final String KEY = "sk-" + "batch-integration-0123456789";
    private static final ManualClock simulatorClock = new ManualClock();
    /** Each batch validates for a minute, so a test decides when it moves on; requests take no time. */
    private static final BatchOptions HELD = BatchOptions.builder().validatingTime(Duration.ofMinutes(1))
            .requestTime(Duration.ZERO).finalizingTime(Duration.ZERO).cancellingTime(Duration.ZERO).build();
    private static final SimulatorOptions ECHO = SimulatorOptions.builder().nanoTime(simulatorClock)
            .answerer((request, choice, random) -> "echo: " + request.lastUserMessage()).batch(HELD).build();

    @AutoClose
    private static final OpenAiSimulator simulator = OpenAiSimulator.start(ECHO);
    private static final OpenAIConfig OPENAI = new OpenAIConfig(KEY, URI.create(simulator.baseUrl()), null, null,
            Duration.ofSeconds(2), Duration.ofSeconds(10));
    private static final RetryConfig FAST_RETRIES = new RetryConfig(3, Duration.ofMillis(1), Duration.ofMillis(10), 0);
    private static final OpenAiBatchApi api = OpenAiBatchApi.create(OPENAI, FAST_RETRIES);
    private static final ThrottledClient realTime = ThrottledClient.create(EvalConfig.defaults().withOpenAI(OPENAI)
            .withRetry(FAST_RETRIES));

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2025-08-07T10:00:00Z"));
    private final List<BatchCoordinator> opened = new ArrayList<>();
    private BatchConfig config = BatchConfig.defaults().withPollInterval(Duration.ofMillis(5)).withThreshold(5);

    @AfterAll
    static void closeClients() {
        api.close();
        realTime.close();
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

    private BatchCoordinator coordinator() {
        BatchCoordinator c = BatchCoordinator.builder(api, dir, config, PriceTable.defaults())
                .realtime(item -> realTime.generateAsync(item.request().model(item.model())))
                .clock(clock)
                .build();
        opened.add(c);
        return c;
    }

    private static void batchOptions(BatchOptions options) {
        simulator.reconfigure(ECHO.toBuilder().batch(options).build());
    }

    private static String text(BatchCoordinator c, int n) throws Exception {
        Completion answer = c.answer(Items.id(n)).get(30, TimeUnit.SECONDS);
        return answer.text();
    }

    /** The custom ids of a batch's input file, as the simulator holds it. */
    private Set<String> customIds(SimulatedBatch batch) throws IOException {
        Path file = dir.resolve("input-of-" + batch.id());
        api.download(batch.inputFileId(), file);
        ObjectMapper json = new ObjectMapper();
        Set<String> ids = new HashSet<>();
        for (String line : Files.readAllLines(file)) {
            ids.add(json.readTree(line).get("custom_id").asText());
        }
        return ids;
    }

    @Test
    void aCompletedBatchIsJoinedByCustomId() throws Exception {
        BatchCoordinator batches = coordinator();
        batches.submit(Items.items(20)).get(30, TimeUnit.SECONDS);

        simulatorClock.advance(Duration.ofMinutes(2));

        for (int i = 0; i < 20; i++) {
            assertThat(text(batches, i)).isEqualTo("echo: Question " + i + "?");
        }
        assertThat(simulator.requests().filesUploaded()).isEqualTo(1);
        assertThat(simulator.requests().batchesCreated()).isEqualTo(1);
        assertThat(simulator.requests().chatRequests()).as("nothing in real time").isZero();
        assertThat(simulator.batches().get(0).metadata()).containsKey(BatchInfo.LEDGER_ID);
        batches.close(); // waits for the collection under way, which records the batch after its answers
        assertThat(batches.figures().answered()).isEqualTo(20);
        assertThat(batches.figures().savingUsd()).isPositive();
        assertThat(batches.ledger().read().values()).singleElement().satisfies(e -> assertThat(e.collected()).isTrue());
    }

    @Test
    void failedLinesAreRetriedInANewBatch() throws Exception {
        batchOptions(HELD.toBuilder().failedLineShare(0.5).build());
        BatchCoordinator batches = coordinator();
        batches.submit(Items.items(20)).get(30, TimeUnit.SECONDS);
        batchOptions(HELD.toBuilder().validatingTime(Duration.ZERO).build()); // the retry batch does not fail

        simulatorClock.advance(Duration.ofMinutes(2));

        for (int i = 0; i < 20; i++) {
            assertThat(text(batches, i)).isEqualTo("echo: Question " + i + "?");
        }
        List<SimulatedBatch> sent = simulator.batches();
        assertThat(sent).hasSize(2);
        assertThat(sent.get(0).failed()).isGreaterThanOrEqualTo(5);
        assertThat(sent.get(1).total()).isEqualTo(sent.get(0).failed());
        assertThat(simulator.requests().chatRequests()).isZero();
    }

    @Test
    void fewFailedLinesAreRetriedInRealTime() throws Exception {
        config = config.withThreshold(1000);
        batchOptions(HELD.toBuilder().failedLineShare(0.2).build());
        BatchCoordinator batches = coordinator();
        batches.submit(Items.items(20)).get(30, TimeUnit.SECONDS);

        simulatorClock.advance(Duration.ofMinutes(2));

        for (int i = 0; i < 20; i++) {
            assertThat(text(batches, i)).isEqualTo("echo: Question " + i + "?");
        }
        assertThat(simulator.batches()).hasSize(1);
        assertThat(simulator.requests().chatRequests()).isEqualTo(simulator.batches().get(0).failed()).isPositive();
    }

    @Test
    void anExpiredBatchWith30PercentDoneHasExactlyTheOther70PercentSentAgain() throws Exception {
        batchOptions(HELD.toBuilder().expireAfterShare(0.3).build());
        BatchCoordinator batches = coordinator();
        batches.submit(Items.items(10)).get(30, TimeUnit.SECONDS);
        batchOptions(HELD.toBuilder().validatingTime(Duration.ZERO).build());

        simulatorClock.advance(Duration.ofMinutes(2));

        for (int i = 0; i < 10; i++) {
            assertThat(text(batches, i)).isEqualTo("echo: Question " + i + "?");
        }
        List<SimulatedBatch> sent = simulator.batches();
        assertThat(sent).hasSize(2);
        assertThat(sent.get(0).status()).isEqualTo(SimulatedBatch.Status.EXPIRED);
        assertThat(sent.get(0).completed()).isEqualTo(3);
        assertThat(sent.get(1).total()).isEqualTo(7);
        Set<String> first = customIds(sent.get(0));
        Set<String> again = customIds(sent.get(1));
        assertThat(first).hasSize(10).containsAll(again);
        assertThat(simulator.requests().chatRequests()).isZero();
    }

    @Test
    void killedBetweenUploadAndCreateTheNextRunCreatesNoSecondBatch() throws Exception {
        // The killed run: input written and planned, uploaded and recorded, then nothing.
        InputFiles.Planned planned = new InputFiles(dir, BatchLimits.OPENAI, () -> "b-killed")
                .write(Items.items(6)).files().get(0);
        BatchLedger ledger = new BatchLedger(dir, Clock.systemUTC());
        ledger.planned(planned, 0, 0);
        ledger.uploaded("b-killed", api.upload(planned.input()));

        BatchCoordinator next = coordinator();
        next.submit(Items.items(6)).get(30, TimeUnit.SECONDS);
        simulatorClock.advance(Duration.ofMinutes(2));

        for (int i = 0; i < 6; i++) {
            assertThat(text(next, i)).isEqualTo("echo: Question " + i + "?");
        }
        assertThat(simulator.requests().filesUploaded()).as("the upload of the killed run is used").isEqualTo(1);
        assertThat(simulator.requests().batchesCreated()).isEqualTo(1);
    }

    @Test
    void killedAfterCreateButBeforeItsRecordTheNextRunFindsTheBatchByItsLedgerId() throws Exception {
        InputFiles.Planned planned = new InputFiles(dir, BatchLimits.OPENAI, () -> "b-killed")
                .write(Items.items(6)).files().get(0);
        BatchLedger ledger = new BatchLedger(dir, Clock.systemUTC());
        ledger.planned(planned, 0, 0);
        String file = api.upload(planned.input());
        ledger.uploaded("b-killed", file);
        api.create(file, Map.of(BatchInfo.LEDGER_ID, "b-killed"));

        BatchCoordinator next = coordinator();
        next.submit(Items.items(6)).get(30, TimeUnit.SECONDS);
        simulatorClock.advance(Duration.ofMinutes(2));

        for (int i = 0; i < 6; i++) {
            assertThat(text(next, i)).isEqualTo("echo: Question " + i + "?");
        }
        assertThat(simulator.requests().batchesCreated()).as("no second batch").isEqualTo(1);
        assertThat(next.ledger().read().get("b-killed").batchId()).isEqualTo(simulator.batches().get(0).id());
    }

    @Test
    void atTheDeadlineTheRemainderRunsInRealTimeAndTheBatchIsCancelled() throws Exception {
        config = config.withDeadline(Duration.ofHours(1), true);
        BatchCoordinator batches = coordinator();
        batches.submit(Items.items(8)).get(30, TimeUnit.SECONDS);

        clock.advance(Duration.ofHours(2));

        for (int i = 0; i < 8; i++) {
            assertThat(text(batches, i)).isEqualTo("echo: Question " + i + "?");
        }
        assertThat(simulator.requests().chatRequests()).isEqualTo(8);
        assertThat(simulator.batches().get(0).status()).isIn(SimulatedBatch.Status.CANCELLING,
                SimulatedBatch.Status.CANCELLED);
        assertThat(batches.figures().sentToRealTime()).isEqualTo(8);
    }

    @Test
    void withoutWaitingARunReportsTheBatchAndTheNextRunCollectsIt() throws Exception {
        BatchCoordinator first = coordinator();
        first.submit(Items.items(5)).get(30, TimeUnit.SECONDS);

        ItemStatus status = first.status(Items.id(2));
        SimulatedBatch batch = simulator.batches().get(0);
        assertThat(status.state()).isEqualTo(ItemStatus.State.IN_BATCH);
        assertThat(status.batchId()).isEqualTo(batch.id());
        assertThat(status.describe()).contains(batch.id(), "validating", "0 of");
        first.close();
        try {
            first.answer(Items.id(2)).get(30, TimeUnit.SECONDS);
            throw new AssertionError("the answer cannot be there yet");
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(BatchPendingException.class).hasMessageContaining(batch.id());
        }

        simulatorClock.advance(Duration.ofMinutes(2));
        BatchCoordinator next = coordinator();
        next.submit(Items.items(5)).get(30, TimeUnit.SECONDS);

        assertThat(next.status(Items.id(2)).state()).as("collected before submit returns").isEqualTo(ItemStatus.State.DONE);
        assertThat(text(next, 2)).isEqualTo("echo: Question 2?");
        assertThat(simulator.requests().batchesCreated()).isEqualTo(1);
    }
}
