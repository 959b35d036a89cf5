package dev.evalunit.internal.batch;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.evalunit.Completion;
import dev.evalunit.config.BatchConfig;
import dev.evalunit.config.PriceTable;
import dev.evalunit.internal.client.Budget;
import dev.evalunit.internal.client.Redactor;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apiguardian.api.API;

/**
 * The options of a {@link BatchCoordinator}, from {@link BatchCoordinator#builder}: the real-time fallback
 * it must have, and what it may be given instead of its defaults (a sink, a budget, a shared scheduler,
 * clocks for tests). Not thread-safe; {@link #build()} copies the options, so a built coordinator never
 * sees a later change.
 */
@API(status = INTERNAL, since = "0.1")
public final class BatchCoordinatorBuilder {

    final BatchApi api;
    final Path directory;
    final BatchConfig config;
    final PriceTable prices;
    Function<BatchItem, CompletableFuture<Completion>> realtime;
    BatchCoordinator.Sink sink = (item, completion, batchId) -> { };
    Runnable durable = () -> { };
    Budget budget = NO_BUDGET;
    ScheduledExecutorService scheduler;
    Clock clock = Clock.systemUTC();
    LongSupplier nanoTime = System::nanoTime;
    BatchLimits limits = BatchLimits.OPENAI;
    Redactor redactor = Redactor.forKey(null);
    String origin;
    Supplier<String> ledgerIds = BatchCoordinatorBuilder::newLedgerId;

    BatchCoordinatorBuilder(BatchApi api, Path directory, BatchConfig config, PriceTable prices) {
        this.api = Objects.requireNonNull(api, "api");
        this.directory = Objects.requireNonNull(directory, "directory");
        this.config = Objects.requireNonNull(config, "config");
        this.prices = Objects.requireNonNull(prices, "prices");
    }

    /**
     * Sends one request in real time: failed lines too few for a new batch, and what is unanswered at the
     * deadline. Its answers do not go through the {@link #sink}; the fallback stores them as the
     * real-time path does. Required.
     */
    public BatchCoordinatorBuilder realtime(Function<BatchItem, CompletableFuture<Completion>> realtime) {
        this.realtime = realtime;
        return this;
    }

    /**
     * Receives each answer from a batch, on the scheduler thread, before its future completes; the
     * batch is recorded collected only after every answer was received. Typically appends to the
     * checkpoint. If it throws, that request's future fails and the batch stays uncollected, so a
     * later run hands the answer over again. Default: none.
     */
    public BatchCoordinatorBuilder sink(BiConsumer<BatchItem, Completion> sink) {
        Objects.requireNonNull(sink, "sink");
        this.sink = (item, completion, batchId) -> sink.accept(item, completion);
        return this;
    }

    /** As {@link #sink(BiConsumer)}, also told which batch answered (for a report). */
    public BatchCoordinatorBuilder sink(BatchCoordinator.Sink sink) {
        this.sink = Objects.requireNonNull(sink, "sink");
        return this;
    }

    /**
     * Makes what the {@link #sink} received durable (forced to the device), on the scheduler thread, after a
     * batch's answers were handed over and before the batch is recorded collected: the ledger is forced as it
     * is written, so a power loss between the two must not find the batch collected and its answers gone.
     * If it throws, the batch stays uncollected and a later run downloads it again. Default: nothing to do.
     */
    public BatchCoordinatorBuilder durable(Runnable durable) {
        this.durable = Objects.requireNonNull(durable, "durable");
        return this;
    }

    /** The run's budget cap ({@code OpenAiClient.budget()}); default none. */
    public BatchCoordinatorBuilder budget(Budget budget) {
        this.budget = Objects.requireNonNull(budget, "budget");
        return this;
    }

    /** A scheduler to share with other coordinators; it is not shut down on close. Default: a thread of its own. */
    public BatchCoordinatorBuilder scheduler(ScheduledExecutorService scheduler) {
        this.scheduler = scheduler;
        return this;
    }

    /** The clock of the deadline and the ledger's times. */
    public BatchCoordinatorBuilder clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    /** The clock of answers' elapsed times. */
    public BatchCoordinatorBuilder nanoTime(LongSupplier nanoTime) {
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        return this;
    }

    /** Input file limits; default {@link BatchLimits#OPENAI}. */
    public BatchCoordinatorBuilder limits(BatchLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
        return this;
    }

    /**
     * Where the batches are created ({@code simulated}, {@code live api.openai.com/v1}): the ledger records
     * it, and the coordinator reattaches only to batches of the same origin, so a batch is never polled
     * or collected through another endpoint. Default: none recorded, every batch of the ledger is ours.
     */
    public BatchCoordinatorBuilder origin(String origin) {
        this.origin = Objects.requireNonNull(origin, "origin");
        return this;
    }

    /** Removes the API key from messages; default removes anything shaped like one. */
    public BatchCoordinatorBuilder redactor(Redactor redactor) {
        this.redactor = Objects.requireNonNull(redactor, "redactor");
        return this;
    }

    BatchCoordinatorBuilder ledgerIds(Supplier<String> ledgerIds) {
        this.ledgerIds = ledgerIds;
        return this;
    }

    public BatchCoordinator build() {
        return new BatchCoordinator(this);
    }

    /** No cap: every batch may be submitted. */
    private static final Budget NO_BUDGET = new Budget() {
        @Override
        public boolean capped() {
            return false;
        }

        @Override
        public void reserve(String model, double estimateUsd, String what) {
        }

        @Override
        public void settle(double estimateUsd, double actualUsd) {
        }
    };

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    /**
     * {@code b-<UTC yyyyMMddTHHmmss>-<6 hex>-<n>}: sortable, and unique in a ledger (a random part for
     * runs of other processes, a sequence for the files of this one).
     */
    static String newLedgerId() {
        String time = java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss")
                .withZone(java.time.ZoneOffset.UTC).format(Instant.now());
        return "b-" + time + "-" + String.format("%06x", ThreadLocalRandom.current().nextInt(1 << 24)) + "-"
                + SEQUENCE.incrementAndGet();
    }
}
