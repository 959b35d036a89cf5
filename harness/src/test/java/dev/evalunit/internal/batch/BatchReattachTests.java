package dev.evalunit.internal.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evalunit.Completion;
import dev.evalunit.ErrorKind;
import dev.evalunit.LlmException;
import dev.evalunit.config.BatchConfig;
import dev.evalunit.config.PriceTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Given a run killed at some step, when the next run starts, then it reattaches and pays for nothing twice. */
class BatchReattachTests {

    @TempDir
    Path dir;

    private final FakeBatchApi api = new FakeBatchApi();
    private final List<BatchCoordinator> opened = new ArrayList<>();
    private final List<String> realTime = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(BatchCoordinator::close);
    }

    private BatchCoordinator run() {
        BatchCoordinator c = BatchCoordinator.builder(api, dir,
                        BatchConfig.defaults().withPollInterval(Duration.ofMillis(5)), PriceTable.defaults())
                .realtime(item -> {
                    realTime.add(item.customId());
                    return CompletableFuture.failedFuture(new AssertionError("nothing goes to real time here"));
                })
                .build();
        opened.add(c);
        return c;
    }

    private static String answer(BatchCoordinator run, int n) throws Exception {
        Completion c = run.answer(Items.id(n)).get(30, TimeUnit.SECONDS);
        return c.text();
    }

    @Test
    void killedBetweenUploadAndCreateTheNextRunCreatesItFromTheUploadedFile() throws Exception {
        api.crash = new IllegalStateException("killed");
        run().submit(Items.items(3)).exceptionally(e -> null).get(30, TimeUnit.SECONDS);
        assertThat(api.uploads).hasValue(1);
        assertThat(api.creates).hasValue(0);

        BatchCoordinator next = run();
        next.submit(Items.items(3)).get(30, TimeUnit.SECONDS);

        for (int i = 0; i < 3; i++) {
            assertThat(answer(next, i)).isEqualTo(FakeBatchApi.answerText(Items.id(i)));
            assertThat(api.sent(Items.id(i))).isEqualTo(1);
        }
        assertThat(api.uploads).as("the uploaded file is reused").hasValue(1);
        assertThat(api.creates).hasValue(1);
    }

    @Test
    void killedAfterTheBatchWasCreatedButBeforeItWasRecordedTheNextRunFindsIt() throws Exception {
        api.crash = new IllegalStateException("killed");
        api.crashAfterCreating = true;
        api.hold = true;
        run().submit(Items.items(3)).exceptionally(e -> null).get(30, TimeUnit.SECONDS);
        assertThat(api.creates).hasValue(1);
        assertThat(BatchLedger.in(dir).read().values()).singleElement()
                .satisfies(e -> assertThat(e.phase()).isEqualTo(LedgerEntry.Phase.UPLOADED));

        api.hold = false;
        BatchCoordinator next = run();
        next.submit(Items.items(3)).get(30, TimeUnit.SECONDS);

        for (int i = 0; i < 3; i++) {
            assertThat(answer(next, i)).isEqualTo(FakeBatchApi.answerText(Items.id(i)));
        }
        assertThat(api.creates).as("no second batch").hasValue(1);
        next.close(); // waits for the collection under way, which records the batch after its answers
        assertThat(BatchLedger.in(dir).read().values()).singleElement()
                .satisfies(e -> assertThat(e.phase()).isEqualTo(LedgerEntry.Phase.DONE));
    }

    @Test
    void killedBeforeUploadTheNextRunUploadsTheInputWrittenBefore() throws Exception {
        InputFiles.Planned planned = new InputFiles(dir, BatchLimits.OPENAI, () -> "b-killed")
                .write(Items.items(2)).files().get(0);
        new BatchLedger(dir, Clock.systemUTC()).planned(planned, 0, 0.0);

        BatchCoordinator next = run();
        next.submit(Items.items(2)).get(30, TimeUnit.SECONDS);

        assertThat(answer(next, 0)).isEqualTo(FakeBatchApi.answerText(Items.id(0)));
        assertThat(answer(next, 1)).isEqualTo(FakeBatchApi.answerText(Items.id(1)));
        assertThat(api.uploads).hasValue(1);
        assertThat(api.creates).hasValue(1);
        assertThat(api.batches.values()).singleElement()
                .satisfies(b -> assertThat(b.metadata).containsEntry(BatchInfo.LEDGER_ID, "b-killed"));
    }

    @Test
    void aPlannedBatchPartlyAnsweredSinceIsReplannedWithoutTheAnsweredRequests() throws Exception {
        InputFiles.Planned planned = new InputFiles(dir, BatchLimits.OPENAI, () -> "b-killed")
                .write(Items.items(4)).files().get(0);
        new BatchLedger(dir, Clock.systemUTC()).planned(planned, 0, 0.0);

        BatchCoordinator next = run();
        next.submit(List.of(Items.item(1), Items.item(3))).get(30, TimeUnit.SECONDS);

        assertThat(answer(next, 1)).isEqualTo(FakeBatchApi.answerText(Items.id(1)));
        assertThat(answer(next, 3)).isEqualTo(FakeBatchApi.answerText(Items.id(3)));
        assertThat(api.sent(Items.id(0))).as("answered before, never sent").isZero();
        assertThat(api.sent(Items.id(2))).isZero();
        assertThat(BatchLedger.in(dir).read().get("b-killed").abandoned()).contains("answered since");
        assertThat(Files.exists(planned.input())).isFalse();
    }

    @Test
    void aRunningBatchAnswersTheNextRunAndNothingIsSubmittedAgain() throws Exception {
        api.hold = true;
        BatchCoordinator first = run();
        first.submit(Items.items(4)).get(30, TimeUnit.SECONDS);
        first.close();
        api.hold = false;

        // Answers 0 and 2 were checkpointed some other way; the next run wants only 1 and 3.
        BatchCoordinator second = run();
        second.submit(List.of(Items.item(1), Items.item(3))).get(30, TimeUnit.SECONDS);

        assertThat(answer(second, 1)).isEqualTo(FakeBatchApi.answerText(Items.id(1)));
        assertThat(answer(second, 3)).isEqualTo(FakeBatchApi.answerText(Items.id(3)));
        assertThat(api.creates).hasValue(1);
        assertThat(BatchLedger.in(dir).read().values()).singleElement()
                .as("still holds answers nobody took").satisfies(e -> assertThat(e.collected()).isFalse());

        BatchCoordinator third = run();
        third.submit(List.of(Items.item(0), Items.item(2))).get(30, TimeUnit.SECONDS);

        assertThat(answer(third, 0)).isEqualTo(FakeBatchApi.answerText(Items.id(0)));
        assertThat(api.creates).hasValue(1);
        assertThat(BatchLedger.in(dir).read().values()).singleElement()
                .satisfies(e -> assertThat(e.collected()).isFalse());
        assertThat(realTime).isEmpty();
    }

    @Test
    void aSecondSubmissionOfTheSameRunJoinsTheBatchAlreadyFollowed() throws Exception {
        api.hold = true;
        BatchCoordinator first = run();
        first.submit(Items.items(4)).get(30, TimeUnit.SECONDS);
        first.close();

        BatchCoordinator second = run();
        second.submit(List.of(Items.item(0))).get(30, TimeUnit.SECONDS);
        second.submit(List.of(Items.item(1), Items.item(2), Items.item(3))).get(30, TimeUnit.SECONDS);
        api.hold = false;

        for (int i = 0; i < 4; i++) {
            assertThat(answer(second, i)).isEqualTo(FakeBatchApi.answerText(Items.id(i)));
        }
        assertThat(api.creates).hasValue(1);
        second.close(); // waits for the collection under way, which records the batch after its answers
        assertThat(BatchLedger.in(dir).read().values()).singleElement()
                .satisfies(e -> assertThat(e.collected()).isTrue());
    }

    private static LlmException timeout() {
        return LlmException.of(ErrorKind.TIMEOUT, "the Batch API", 3, 0, null, null, null, "read timed out", null);
    }

    @Test
    void aCreateThatTimedOutAfterMakingTheBatchIsFoundAndFollowed() throws Exception {
        api.crash = timeout();
        api.crashAfterCreating = true;
        BatchCoordinator run = run();

        run.submit(Items.items(3)).get(30, TimeUnit.SECONDS);

        for (int i = 0; i < 3; i++) {
            assertThat(answer(run, i)).isEqualTo(FakeBatchApi.answerText(Items.id(i)));
        }
        assertThat(api.creates).hasValue(1);
    }

    @Test
    void aCreateOfUnknownOutcomeIsLeftForTheNextRunToFind() throws Exception {
        api.crash = timeout();
        api.crashAfterCreating = true;
        api.listFailure = timeout();
        BatchCoordinator first = run();
        first.submit(Items.items(3)).get(30, TimeUnit.SECONDS);
        assertThat(first.answer(Items.id(0))).failsWithin(Duration.ofSeconds(30))
                .withThrowableThat().withMessageContaining("read timed out");
        assertThat(BatchLedger.in(dir).read().values()).singleElement()
                .satisfies(e -> assertThat(e.phase()).isEqualTo(LedgerEntry.Phase.UPLOADED));

        api.listFailure = null;
        BatchCoordinator next = run();
        next.submit(Items.items(3)).get(30, TimeUnit.SECONDS);

        assertThat(answer(next, 0)).isEqualTo(FakeBatchApi.answerText(Items.id(0)));
        assertThat(api.creates).as("never created twice").hasValue(1);
        assertThat(realTime).isEmpty();
    }
}
