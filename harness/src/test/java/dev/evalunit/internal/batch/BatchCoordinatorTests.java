package dev.evalunit.internal.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.evalunit.BudgetExceededException;
import dev.evalunit.Completion;
import dev.evalunit.ErrorKind;
import dev.evalunit.InvalidRequestException;
import dev.evalunit.LlmException;
import dev.evalunit.ServiceUnavailableException;
import dev.evalunit.internal.client.BudgetGuard;
import dev.evalunit.config.BatchConfig;
import dev.evalunit.config.ModelPrice;
import dev.evalunit.config.PriceTable;
import dev.evalunit.testing.Logs;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchCoordinatorTests {

    @TempDir
    Path dir;

    private final FakeBatchApi api = new FakeBatchApi();
    private final MutableClock clock = new MutableClock(Instant.parse("2025-08-07T10:00:00Z"));
    private final List<String> realTime = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Completion> sunk = new ConcurrentHashMap<>();
    private final List<BatchCoordinator> opened = new ArrayList<>();
    private BatchConfig config = BatchConfig.defaults().withPollInterval(Duration.ofMillis(5)).withThreshold(3);
    private BudgetGuard budget = new BudgetGuard(OptionalDouble.empty());
    private BatchLimits limits = BatchLimits.OPENAI;
    private final PriceTable prices = PriceTable.defaults();

    @AfterEach
    void closeAll() {
        opened.forEach(BatchCoordinator::close);
    }

    private BatchCoordinator coordinator() {
        return coordinator(b -> { });
    }

    private BatchCoordinator coordinator(java.util.function.Consumer<BatchCoordinatorBuilder> more) {
        BatchCoordinatorBuilder builder = BatchCoordinator.builder(api, dir, config, prices)
                .realtime(item -> {
                    realTime.add(item.customId());
                    return CompletableFuture.completedFuture(new Completion("real time " + item.customId(),
                            List.of("real time " + item.customId()), "stop", item.model(), 10, 2, 0, Duration.ZERO,
                            Duration.ZERO, 1, null, null, 0.0, List.of()));
                })
                .sink((item, answer) -> sunk.put(item.customId(), answer))
                .budget(budget)
                .clock(clock)
                .limits(limits);
        more.accept(builder);
        BatchCoordinator c = builder.build();
        opened.add(c);
        return c;
    }

    private static Completion await(CompletableFuture<Completion> future) throws Exception {
        return future.get(30, TimeUnit.SECONDS);
    }

    private static Throwable failureOf(CompletableFuture<Completion> future) {
        try {
            future.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("expected a failure but got an answer");
    }

    @Test
    void answersAreJoinedByCustomIdAndPricedAtTheBatchPrice() throws Exception {
        BatchCoordinator batches = coordinator();
        List<BatchItem> items = Items.items(5);

        batches.submit(items).get(30, TimeUnit.SECONDS);

        for (BatchItem item : items) {
            Completion c = await(batches.answer(item.customId()));
            assertThat(c.text()).isEqualTo(FakeBatchApi.answerText(item.customId()));
            assertThat(sunk.get(item.customId())).isSameAs(c);
            ModelPrice price = prices.forModel(Items.MODEL).orElseThrow();
            assertThat(c.costUsd()).isEqualTo(price.cost(1000, 0, 100, true));
            assertThat(c.attempts()).isEqualTo(1);
            assertThat(c.requestId()).startsWith("req_");
        }
        assertThat(api.creates).hasValue(1);
        assertThat(realTime).isEmpty();
        batches.close(); // waits for the collection under way, which records the batch after its answers
        BatchFigures figures = batches.figures();
        assertThat(figures.answered()).isEqualTo(5);
        assertThat(figures.batches()).isEqualTo(1);
        assertThat(figures.savingUsd()).isCloseTo(figures.costUsd(), org.assertj.core.api.Assertions.within(1e-12));
        assertThat(batches.ledger().read().values()).singleElement()
                .satisfies(e -> assertThat(e.phase()).isEqualTo(LedgerEntry.Phase.DONE));
    }

    @Test
    void requestsAreSplitIntoBatchesByTheLimits() throws Exception {
        limits = new BatchLimits(4, Long.MAX_VALUE);
        BatchCoordinator batches = coordinator();

        batches.submit(Items.items(10)).get(30, TimeUnit.SECONDS);

        assertThat(api.creates).hasValue(3);
        for (int i = 0; i < 10; i++) {
            assertThat(await(batches.answer(Items.id(i))).text()).isEqualTo(FakeBatchApi.answerText(Items.id(i)));
        }
    }

    @Test
    void manyFailedLinesAreRetriedInANewBatch() throws Exception {
        api.outcome = id -> api.sent(id) == 1 && !id.contains("q-0|") ? FakeBatchApi.Line.SERVER_ERROR
                : FakeBatchApi.Line.ANSWER;
        BatchCoordinator batches = coordinator();

        batches.submit(Items.items(5)).get(30, TimeUnit.SECONDS);

        for (int i = 0; i < 5; i++) {
            Completion c = await(batches.answer(Items.id(i)));
            assertThat(c.text()).isEqualTo(FakeBatchApi.answerText(Items.id(i)));
            assertThat(c.attempts()).isEqualTo(i == 0 ? 1 : 2);
            assertThat(api.sent(Items.id(i))).isEqualTo(i == 0 ? 1 : 2);
        }
        assertThat(api.creates).hasValue(2);
        assertThat(realTime).isEmpty();
        assertThat(batches.figures().failed()).isEqualTo(4);
    }

    @Test
    void fewFailedLinesAreRetriedInRealTime() throws Exception {
        api.outcome = id -> id.contains("q-3|") ? FakeBatchApi.Line.SERVER_ERROR : FakeBatchApi.Line.ANSWER;
        BatchCoordinator batches = coordinator();

        batches.submit(Items.items(5)).get(30, TimeUnit.SECONDS);

        assertThat(await(batches.answer(Items.id(3))).text()).isEqualTo("real time " + Items.id(3));
        assertThat(realTime).containsExactly(Items.id(3));
        assertThat(api.creates).hasValue(1);
        assertThat(batches.figures().sentToRealTime()).isEqualTo(1);
    }

    @Test
    void aRejectedLineFailsWithoutBeingSentAgain() throws Exception {
        api.outcome = id -> id.contains("q-1|") ? FakeBatchApi.Line.BAD_REQUEST : FakeBatchApi.Line.ANSWER;
        BatchCoordinator batches = coordinator();

        batches.submit(Items.items(3)).get(30, TimeUnit.SECONDS);

        assertThat(failureOf(batches.answer(Items.id(1))))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("HTTP 400")
                .hasMessageContaining("invalid_value: Invalid value for 'temperature'");
        assertThat(api.sent(Items.id(1))).isEqualTo(1);
        assertThat(realTime).isEmpty();
    }

    @Test
    void retriesAreBounded() throws Exception {
        config = config.withMaxRetries(2).withThreshold(1);
        api.outcome = id -> FakeBatchApi.Line.SERVER_ERROR;
        BatchCoordinator batches = coordinator();

        batches.submit(Items.items(2)).get(30, TimeUnit.SECONDS);

        assertThat(failureOf(batches.answer(Items.id(0)))).isInstanceOf(ServiceUnavailableException.class);
        assertThat(failureOf(batches.answer(Items.id(1)))).isInstanceOf(ServiceUnavailableException.class);
        assertThat(api.sent(Items.id(0))).isEqualTo(3);
        assertThat(api.creates).hasValue(3);
    }

    @Test
    void anExpiredBatchHasExactlyItsUnansweredPartSentAgain() throws Exception {
        config = config.withThreshold(5);
        List<String> answeredFirst = List.of(Items.id(0), Items.id(4), Items.id(7));
        api.hold = true;
        api.outcome = id -> answeredFirst.contains(id) || api.sent(id) > 1 ? FakeBatchApi.Line.ANSWER
                : FakeBatchApi.Line.EXPIRED;
        BatchCoordinator batches = coordinator();
        batches.submit(Items.items(10)).get(30, TimeUnit.SECONDS);
        String first = api.batches.keySet().iterator().next();

        api.hold = false;
        api.finish(first, BatchStatus.EXPIRED);

        for (int i = 0; i < 10; i++) {
            String id = Items.id(i);
            assertThat(await(batches.answer(id)).text()).isEqualTo(FakeBatchApi.answerText(id));
            assertThat(api.sent(id)).as(id).isEqualTo(answeredFirst.contains(id) ? 1 : 2);
        }
        assertThat(api.creates).hasValue(2);
        assertThat(api.files.get(api.batches.get(api.batches.keySet().toArray(new String[0])[1]).inputFileId))
                .hasSize(7);
    }

    @Test
    void theMissingPartOfAnExpiredBatchIsSentAgainToo() throws Exception {
        api.hold = true;
        api.outcome = id -> id.contains("q-1|") && api.sent(id) == 1 ? FakeBatchApi.Line.MISSING : FakeBatchApi.Line.ANSWER;
        BatchCoordinator batches = coordinator();
        batches.submit(Items.items(3)).get(30, TimeUnit.SECONDS);

        api.hold = false;
        api.finish(api.batches.keySet().iterator().next(), BatchStatus.EXPIRED);

        assertThat(await(batches.answer(Items.id(1))).text()).isEqualTo("real time " + Items.id(1));
        assertThat(realTime).containsExactly(Items.id(1));
    }

    @Test
    void anOutputFileThatIsGoneForGoodEndsTheBatchAndItsWaitingRequestsAreSentAgain() throws Exception {
        config = config.withThreshold(5);
        budget = new BudgetGuard(OptionalDouble.of(10));
        api.outcome = id -> id.contains("q-2|") ? FakeBatchApi.Line.SERVER_ERROR : FakeBatchApi.Line.ANSWER;
        api.downloadFailure = fileId -> LlmException.of(ErrorKind.INVALID_REQUEST, "the Batch API", 1, 404, "req_404",
                null, null, "No such File object: " + fileId, null);
        BatchCoordinator batches = coordinator();

        List<LogRecord> warnings = Logs.warnings(() -> batches.submit(Items.items(3)).join());

        FakeBatchApi.Batch batch = api.batches.values().iterator().next();
        LedgerEntry entry = batches.ledger().read().values().iterator().next();
        assertThat(entry.collected()).as("recorded collected: no later run downloads it again").isTrue();
        for (int i = 0; i < 3; i++) {
            assertThat(await(batches.answer(Items.id(i))).text()).isEqualTo("real time " + Items.id(i));
        }
        assertThat(realTime).containsExactlyInAnyOrder(Items.id(0), Items.id(1), Items.id(2));
        assertThat(warnings).anySatisfy(w -> assertThat(w.getMessage()).contains(batch.id, batch.outputFileId,
                "HTTP 404", "its 3 requests still waiting are sent again"));

        api.downloadFailure = fileId -> null;
        batches.submit(List.of(Items.item(3))).join(); // a new batch, and every batch polled once more
        batches.close();

        assertThat(api.downloads).as("the lost file is not asked for again").containsOnlyOnce(batch.outputFileId);
        double billed = entry.estimatedUsd() * 2 / 3; // 2 of its 3 requests completed before the file was lost
        assertThat(billed).isPositive();
        assertThat(batches.figures().costUsd() - sunk.get(Items.id(3)).costUsd())
                .isCloseTo(billed, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(budget.spentUsd()).isCloseTo(batches.figures().costUsd(), org.assertj.core.api.Assertions.within(1e-12));
    }

    @Test
    void answersHandedOverBeforeTheErrorFileWasFoundGoneStayAndAreNotBilledTwice() throws Exception {
        config = config.withThreshold(5);
        api.outcome = id -> id.contains("q-2|") ? FakeBatchApi.Line.SERVER_ERROR : FakeBatchApi.Line.ANSWER;
        api.downloadFailure = fileId -> api.batches.values().stream().anyMatch(b -> fileId.equals(b.errorFileId))
                ? LlmException.of(ErrorKind.INVALID_REQUEST, "the Batch API", 1, 404, null, null, null, "gone", null)
                : null;
        BatchCoordinator batches = coordinator();

        batches.submit(Items.items(3)).get(30, TimeUnit.SECONDS);

        assertThat(await(batches.answer(Items.id(0))).text()).isEqualTo(FakeBatchApi.answerText(Items.id(0)));
        assertThat(await(batches.answer(Items.id(1))).text()).isEqualTo(FakeBatchApi.answerText(Items.id(1)));
        assertThat(await(batches.answer(Items.id(2))).text()).isEqualTo("real time " + Items.id(2));
        batches.close();
        assertThat(batches.figures().costUsd()).isCloseTo(sunk.values().stream().mapToDouble(Completion::costUsd).sum(),
                org.assertj.core.api.Assertions.within(1e-12));
        assertThat(batches.ledger().read().values()).singleElement().satisfies(e -> assertThat(e.collected()).isTrue());
    }

    @Test
    void aDownloadThatFailsForNowIsTriedAgainOnTheNextPoll() throws Exception {
        AtomicInteger failuresLeft = new AtomicInteger(1);
        api.downloadFailure = fileId -> failuresLeft.getAndDecrement() > 0 ? LlmException.of(ErrorKind.SERVER_ERROR,
                "the Batch API", 3, 503, "req_503", null, null, "Service Unavailable", null) : null;
        BatchCoordinator batches = coordinator();

        batches.submit(Items.items(3)).get(30, TimeUnit.SECONDS);

        for (int i = 0; i < 3; i++) {
            assertThat(await(batches.answer(Items.id(i))).text()).isEqualTo(FakeBatchApi.answerText(Items.id(i)));
        }
        String output = api.batches.values().iterator().next().outputFileId;
        assertThat(api.downloads.stream().filter(output::equals)).hasSize(2);
        assertThat(realTime).isEmpty();
        batches.close();
        assertThat(batches.ledger().read().values()).singleElement().satisfies(e -> assertThat(e.collected()).isTrue());
    }

    @Test
    void theBudgetRefusesABatchBeforeItIsUploaded() {
        budget = new BudgetGuard(OptionalDouble.of(0.000_001));
        BatchCoordinator batches = coordinator();

        batches.submit(Items.items(3)).join();

        assertThat(failureOf(batches.answer(Items.id(0))))
                .isInstanceOf(BudgetExceededException.class)
                .hasMessageContaining("a batch of 3 requests to gpt-4o-mini estimated at $")
                .hasMessageContaining("past evalunit.budget.usd");
        assertThat(api.uploads).hasValue(0);
        assertThat(batches.ledger().read()).isEmpty();
    }

    @Test
    void theBudgetIsSettledWithWhatTheBatchCost() throws Exception {
        budget = new BudgetGuard(OptionalDouble.of(10));
        BatchCoordinator batches = coordinator();

        batches.submit(Items.items(4)).get(30, TimeUnit.SECONDS);
        for (int i = 0; i < 4; i++) {
            await(batches.answer(Items.id(i)));
        }
        batches.close(); // the budget is settled once the whole batch is collected

        assertThat(budget.spentUsd()).isCloseTo(batches.figures().costUsd(), org.assertj.core.api.Assertions.within(1e-12));
        assertThat(budget.tryReserve(10 - budget.spentUsd())).as("nothing left reserved").isEqualTo(-1);
    }

    @Test
    void atTheDeadlineTheRestGoesToRealTimeAndTheBatchIsCancelled() throws Exception {
        config = config.withDeadline(Duration.ofHours(1), true);
        api.hold = true;
        BatchCoordinator batches = coordinator();
        batches.submit(Items.items(3)).get(30, TimeUnit.SECONDS);

        clock.advance(Duration.ofHours(2));

        for (int i = 0; i < 3; i++) {
            assertThat(await(batches.answer(Items.id(i))).text()).isEqualTo("real time " + Items.id(i));
        }
        assertThat(api.cancels).hasValue(1);
        assertThat(batches.ledger().read().values()).singleElement().satisfies(e -> assertThat(e.cancelled()).isTrue());
    }

    @Test
    void byDefaultABatchStillRunningAtTheDeadlineIsCancelledSoItsRequestsAreNotPaidTwice() throws Exception {
        api.hold = true;
        BatchCoordinator batches = coordinator();
        batches.submit(Items.items(2)).get(30, TimeUnit.SECONDS);

        clock.advance(BatchConfig.defaults().deadline().plusMinutes(1));

        for (int i = 0; i < 2; i++) {
            assertThat(await(batches.answer(Items.id(i))).text()).isEqualTo("real time " + Items.id(i));
        }
        assertThat(api.cancels).hasValue(1);
        assertThat(batches.ledger().read().values()).singleElement().satisfies(e -> assertThat(e.cancelled()).isTrue());
    }

    @Test
    void atTheDeadlineABatchIsLeftRunningWhenCancelAtDeadlineIsOff() throws Exception {
        config = config.withDeadline(Duration.ofHours(1), false);
        api.hold = true;
        BatchCoordinator batches = coordinator();
        batches.submit(Items.items(2)).get(30, TimeUnit.SECONDS);

        clock.advance(Duration.ofHours(2));

        assertThat(await(batches.answer(Items.id(0))).text()).isEqualTo("real time " + Items.id(0));
        assertThat(api.cancels).hasValue(0);
        assertThat(batches.ledger().read().values()).singleElement()
                .satisfies(e -> assertThat(e.phase()).isEqualTo(LedgerEntry.Phase.CREATED));
    }

    @Test
    void statusTellsWithoutWaitingWhichBatchARequestWaitsFor() throws Exception {
        api.hold = true;
        BatchCoordinator batches = coordinator();

        batches.submit(Items.items(2)).get(30, TimeUnit.SECONDS);
        ItemStatus status = batches.status(Items.id(1));

        String batchId = api.batches.keySet().iterator().next();
        assertThat(status.state()).isEqualTo(ItemStatus.State.IN_BATCH);
        assertThat(status.done()).isFalse();
        assertThat(status.batchId()).isEqualTo(batchId);
        assertThat(status.batchStatus()).isEqualTo(BatchStatus.IN_PROGRESS);
        assertThat(status.counts()).isEqualTo(new RequestCounts(2, 0, 0));
        assertThat(status.describe()).isEqualTo("waiting for batch " + batchId
                + " (in_progress: 0 of 2 done, 0 failed); run again to collect it");
        assertThat(batches.status("never-submitted").state()).isEqualTo(ItemStatus.State.UNKNOWN);
        BatchProgress progress = batches.progress();
        assertThat(progress.batches()).containsEntry(BatchStatus.IN_PROGRESS, 1);
        assertThat(progress.waiting()).isEqualTo(2);
    }

    @Test
    void closingLeavesBatchesRunningAndFailsWhatStillWaits() throws Exception {
        api.hold = true;
        BatchCoordinator batches = coordinator();
        batches.submit(Items.items(2)).get(30, TimeUnit.SECONDS);
        CompletableFuture<Completion> answer = batches.answer(Items.id(0));

        batches.close();

        assertThat(failureOf(answer)).isInstanceOf(BatchPendingException.class)
                .hasMessageContaining("the run ended before its batch finished")
                .hasMessageContaining("waiting for batch batch_");
        assertThat(((BatchPendingException) failureOf(answer)).status().batchId()).isNotNull();
        assertThat(api.cancels).hasValue(0);
        assertThat(batches.ledger().read().values()).singleElement()
                .satisfies(e -> assertThat(e.phase()).isEqualTo(LedgerEntry.Phase.CREATED));
    }

    @Test
    void anInterruptCancelsRunningBatchesWhenConfigured() throws Exception {
        config = config.withCancelOnInterrupt(true);
        api.hold = true;
        BatchCoordinator batches = coordinator();
        batches.submit(Items.items(2)).get(30, TimeUnit.SECONDS);

        batches.interrupt(Duration.ofSeconds(10));

        assertThat(api.cancels).hasValue(1);
        assertThat(failureOf(batches.answer(Items.id(1)))).hasMessageContaining("the run was interrupted");
        assertThat(batches.ledger().read().values()).singleElement().satisfies(e -> assertThat(e.cancelled()).isTrue());
    }

    @Test
    void anAnswerHandedOverIsForgotten() throws Exception {
        BatchCoordinator batches = coordinator();
        batches.submit(Items.items(1)).get(30, TimeUnit.SECONDS);

        await(batches.answer(Items.id(0)));

        assertThat(batches.status(Items.id(0)).state()).isEqualTo(ItemStatus.State.UNKNOWN);
        assertThatThrownBy(() -> batches.answer(Items.id(0))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSinkThatFailsKeepsTheBatchForALaterRun() throws Exception {
        BatchCoordinator batches = BatchCoordinator.builder(api, dir, config, prices)
                .realtime(item -> CompletableFuture.failedFuture(new AssertionError("no real time")))
                .sink((item, c) -> {
                    if (item.customId().equals(Items.id(1))) {
                        throw new IllegalStateException("disk full");
                    }
                })
                .clock(clock)
                .build();
        opened.add(batches);

        batches.submit(Items.items(2)).get(30, TimeUnit.SECONDS);

        assertThat(failureOf(batches.answer(Items.id(1)))).hasMessage("disk full");
        assertThat(await(batches.answer(Items.id(0))).text()).isEqualTo(FakeBatchApi.answerText(Items.id(0)));
        assertThat(batches.ledger().read().values()).singleElement()
                .satisfies(e -> assertThat(e.collected()).isFalse());
    }

    @Test
    void aBatchIsRecordedCollectedOnlyOnceItsAnswersWereMadeDurable() throws Exception {
        List<String> steps = Collections.synchronizedList(new ArrayList<>());
        boolean[] deviceFails = {true};
        BatchCoordinator batches = BatchCoordinator.builder(api, dir, config, prices)
                .realtime(item -> CompletableFuture.failedFuture(new AssertionError("no real time")))
                .sink((item, c) -> steps.add("answer " + item.customId()))
                .durable(() -> {
                    if (deviceFails[0]) {
                        throw new IllegalStateException("checkpoint cannot be written: No space left on device");
                    }
                    steps.add("durable, ledger says collected: " + BatchLedger.in(dir).read().values().stream()
                            .anyMatch(LedgerEntry::collected));
                })
                .clock(clock)
                .build();
        opened.add(batches);

        batches.submit(Items.items(3)).get(30, TimeUnit.SECONDS);
        for (int i = 0; i < 3; i++) {
            await(batches.answer(Items.id(i)));
        }
        batches.close();

        // answers the device did not take leave the batch for the next run to download again
        assertThat(steps).containsExactly("answer " + Items.id(0), "answer " + Items.id(1), "answer " + Items.id(2));
        assertThat(batches.ledger().read().values()).singleElement()
                .satisfies(e -> assertThat(e.collected()).isFalse());

        deviceFails[0] = false;
        steps.clear();
        BatchCoordinator next = coordinator(b -> b.durable(() -> steps.add("durable, ledger says collected: "
                + BatchLedger.in(dir).read().values().stream().anyMatch(LedgerEntry::collected))));
        next.submit(Items.items(3)).get(30, TimeUnit.SECONDS);
        for (int i = 0; i < 3; i++) {
            await(next.answer(Items.id(i)));
        }
        next.close();

        assertThat(api.creates).as("the next run downloads the batch again, creating none").hasValue(1);
        assertThat(realTime).isEmpty();
        assertThat(steps).containsExactly("durable, ledger says collected: false");
        assertThat(next.ledger().read().values()).singleElement().satisfies(e -> assertThat(e.collected()).isTrue());
    }
}
