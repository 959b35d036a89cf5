package dev.evalunit.internal.batch;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.evalunit.Completion;
import dev.evalunit.LlmException;
import dev.evalunit.config.BatchConfig;
import dev.evalunit.config.PriceTable;
import dev.evalunit.internal.checkpoint.JsonlFiles;
import dev.evalunit.internal.client.Budget;
import dev.evalunit.internal.client.Redactor;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.apiguardian.api.API;

/**
 * Answers a suite's requests through a provider's batch API ({@link OpenAiBatchApi}, {@link AnthropicBatchApi}) at
 * the batch price, without ever losing an answer or paying for one twice. One coordinator serves one suite's
 * requests to one provider, with a directory and ledger of its own (custom ids are invocation ids, unique within a
 * suite); several may share one scheduler thread. Nothing here depends on the provider: what differs is the API's,
 * and the shape of lines ({@link BatchLines}) and results ({@link OutputLine}).
 *
 * <pre>{@code
 * BatchCoordinator batches = BatchCoordinator.builder(api, store.directory().resolve("batches"), config.batch(), config.prices())
 *         .realtime(item -> run.sendAndStore(llm, item.request(), store, item.key()))
 *         .sink((item, completion) -> store.append(item.key(), completion))
 *         .durable(store::force)
 *         .budget(client.budget())
 *         .build();
 * batches.submit(itemsWithoutCheckpoint);      // returns at once; submission runs on the scheduler
 * Completion c = batches.answer(key.id()).join(); // when the invocation's turn comes
 * }</pre>
 *
 * <h2>What {@link #submit} does, on the scheduler thread</h2>
 * <ol>
 * <li>Reattaches: batches of the {@linkplain BatchLedger ledger} not yet collected that hold some of the
 *     requests (same custom id, same request hash) are resumed, and those requests are not submitted
 *     again ({@link Reattach}). A batch that was uploaded but whose creation was not recorded is looked
 *     for by the ledger id in its metadata before it is created.</li>
 * <li>Submits the rest: one input file per model and {@link BatchLimits}, each recorded in the ledger
 *     before every irreversible step, and refused before upload when its estimated cost at the batch
 *     price would pass the budget.</li>
 * <li>Polls every batch once, collecting those already finished, then every
 *     {@link BatchConfig#pollInterval()}.</li>
 * </ol>
 *
 * <h2>Answers</h2>
 * A finished batch's output and error files are downloaded and joined by custom id. Each answer is
 * priced at the batch price, given to the {@linkplain BatchCoordinatorBuilder#sink sink} (which
 * checkpoints it), and only then completes the request's future; the ledger records the batch collected
 * only after every answer reached the sink. Failed lines and the unanswered part of an expired or
 * cancelled batch are sent again, at most {@link BatchConfig#maxRetries()} times: in a new batch when at
 * least {@link BatchConfig#threshold()} are, else in real time through the
 * {@linkplain BatchCoordinatorBuilder#realtime fallback}; a request already answered is never sent
 * again. An output or error file the API no longer has (HTTP 404) ends its batch the same way: the requests still waiting on it are retried, and the
 * completed ones whose answers are lost count at their estimated cost, since they were billed. At
 * {@link BatchConfig#deadline()} after the coordinator was built, whatever is unanswered goes to real
 * time, and its batches are cancelled when {@link BatchConfig#cancelAtDeadline()}.
 *
 * <h2>Threads and memory</h2>
 * Thread-safe. All work (submission, polling, collecting) runs on the scheduler, one task at a time;
 * {@link #answer}, {@link #status}, {@link #progress} and {@link #figures} never block. A request is
 * forgotten once its future is complete and handed over, so 10,000 answers are not held twice.
 *
 * <p>This class is the face of the package and what the steps share: {@link SerialScheduler} runs them,
 * {@link Requests} keeps the requests until they are handed over, {@link Submission}, {@link Poller} and
 * {@link Collector} do the steps, and {@link Outcomes} ends each request.
 */
@API(status = INTERNAL, since = "0.1")
public final class BatchCoordinator implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(BatchCoordinator.class.getName());

    final BatchApi api;
    final BatchLedger ledger;
    final Path directory;
    final BatchConfig config;
    final PriceTable prices;
    final Function<BatchItem, CompletableFuture<Completion>> realtime;
    final Sink sink;
    final Runnable durable;
    final Budget budget;
    final Clock clock;
    final LongSupplier nanoTime;
    final Redactor redactor;
    final Instant deadline;
    final InputFiles inputs;
    final Outcomes outcomes;
    final Requests requests;
    private final SerialScheduler scheduler;
    /** Batches followed in this run, by ledger id. */
    final ConcurrentHashMap<String, Tracked> batches = new ConcurrentHashMap<>();
    volatile boolean closed;
    /** Whether any call of {@link #api} was ever answered: until then a connection failure may mean a wrong address. */
    volatile boolean reached;
    /** Why the Batch API cannot be reached at all, once that is known: every later submission fails with it at once. */
    volatile LlmException unreachable;
    /** The server answered the first upload as having no Batch API: every batch of the suite goes to real time. */
    volatile boolean noBatchApi;

    BatchCoordinator(BatchCoordinatorBuilder b) {
        this.api = b.api;
        this.directory = b.directory;
        this.config = b.config;
        this.prices = b.prices;
        this.realtime = Objects.requireNonNull(b.realtime, "a real-time fallback is required: Builder.realtime(...)");
        this.sink = b.sink;
        this.durable = b.durable;
        this.budget = b.budget;
        this.clock = b.clock;
        this.nanoTime = b.nanoTime;
        this.redactor = b.redactor;
        this.ledger = new BatchLedger(directory, clock, JsonlFiles.WHOLE, b.origin);
        this.deadline = clock.instant().plus(config.deadline());
        this.inputs = new InputFiles(directory, b.limits, b.ledgerIds);
        this.outcomes = new Outcomes(this);
        this.requests = new Requests(nanoTime);
        this.scheduler = new SerialScheduler(b.scheduler, config.pollInterval(), this::tick);
    }

    /**
     * A builder for a coordinator keeping its ledger and files in {@code directory}, e.g. the suite's
     * checkpoint directory's {@code batches} subdirectory ({@code benchmark-state/<suite>/epoch-<n>/batches}).
     */
    public static BatchCoordinatorBuilder builder(BatchApi api, Path directory, BatchConfig config, PriceTable prices) {
        return new BatchCoordinatorBuilder(api, directory, config, prices);
    }

    /**
     * Starts answering {@code items} through batches; returns at once. Every item has a future from
     * now on ({@link #answer}). The returned future completes when reattaching and submitting are done
     * and finished batches were collected: every item is then answered, failed, sent in real time, or
     * in a batch with an id ({@link #status}), which is when {@code wait=false} may report it. It fails
     * only when submission itself broke (the ledger could not be read); the items' futures fail then too.
     *
     * @param items requests with no checkpointed answer, all of one suite; an id already submitted and
     *              not yet handed over is ignored
     * @throws IllegalArgumentException when an item's suite differs from earlier ones', or an id is
     *                                  submitted again with another request
     */
    public CompletableFuture<Void> submit(Collection<BatchItem> items) {
        if (closed) {
            throw new IllegalStateException("the batch coordinator is closed");
        }
        List<Pending> fresh = requests.add(items);
        CompletableFuture<Void> submitted = new CompletableFuture<>();
        scheduler.execute(() -> {
            if (closed) {
                submitted.completeExceptionally(new IllegalStateException("the batch coordinator was closed"));
                return;
            }
            try {
                new Submission(this).start(fresh);
                submitted.complete(null);
            } catch (Throwable t) {
                LOG.log(System.Logger.Level.ERROR, "batch submission failed: " + t.getMessage(), t);
                fresh.forEach(p -> outcomes.fail(p, t));
                submitted.completeExceptionally(t);
            }
        });
        return submitted;
    }

    String suite() {
        return requests.suite();
    }

    /** One poll at the poll interval or on a {@linkplain #wake hint}; runs alone on the scheduler. */
    private void tick() {
        try {
            if (!closed) {
                poll();
            }
        } catch (Throwable t) {
            // The next tick tries again; a poll that keeps failing is logged each time.
            LOG.log(System.Logger.Level.WARNING, "polling batches failed: " + redactor.redact(t.toString()), t);
        }
    }

    /**
     * A hint that batch {@code batchId} ended (a verified webhook): polls now instead of at the next interval. The
     * batch is read through the API like at every poll before anything is collected, so a wrong hint costs one
     * poll. Returns whether this coordinator follows that batch.
     */
    public boolean wake(String batchId) {
        boolean followed = false;
        boolean running = false;
        for (Tracked t : batches.values()) {
            if (batchId.equals(t.batchId)) {
                followed = true;
                running |= !t.finished;
            }
        }
        if (running && !closed) {
            scheduler.pollNow();
        }
        return followed;
    }

    /** Checks every batch not finished, collects the finished ones, and applies the deadline. */
    void poll() {
        new Poller(this).poll();
    }

    /**
     * The future of a submitted request: its answer (from a batch, or in real time), or its failure
     * ({@link LlmException}, {@link BatchPendingException} when the run stopped waiting). Once the future
     * is complete and handed over, the coordinator forgets the request.
     *
     * @throws IllegalArgumentException when {@code customId} was not submitted, or was already handed over and answered
     */
    public CompletableFuture<Completion> answer(String customId) {
        return delivery(customId).thenApply(Delivered::completion);
    }

    /**
     * An answer handed over by the coordinator, with the batch it came from; {@code batchId} is {@code null}
     * for one sent in real time (too few failed lines for a new batch, the deadline).
     */
    public record Delivered(Completion completion, String batchId) {
    }

    /** As {@link #answer}, with the batch that answered: what an invocation's report names. */
    public CompletableFuture<Delivered> delivery(String customId) {
        return requests.handOver(customId);
    }

    /**
     * Completes when every one of {@code customIds} is answered or failed, without handing any over; ids not
     * submitted, or already handed over, count as settled.
     */
    public CompletableFuture<Void> whenSettled(Collection<String> customIds) {
        return requests.whenSettled(customIds);
    }

    /** Where a request stands, without waiting; {@link ItemStatus.State#UNKNOWN} for one not submitted or already handed over. */
    public ItemStatus status(String customId) {
        return requests.status(customId);
    }

    /** The batches and requests at this moment, for a progress bar. */
    public BatchProgress progress() {
        Map<BatchStatus, Integer> byStatus = new EnumMap<>(BatchStatus.class);
        RequestCounts counts = RequestCounts.NONE;
        for (Tracked t : batches.values()) {
            byStatus.merge(t.status(), 1, Integer::sum);
            BatchInfo info = t.info;
            if (info != null) {
                counts = counts.plus(info.counts());
            }
        }
        int waiting = 0;
        int realTime = 0;
        for (Pending p : requests.all()) {
            if (!p.future.isDone()) {
                if (p.state == ItemStatus.State.REAL_TIME) {
                    realTime++;
                } else {
                    waiting++;
                }
            }
        }
        return new BatchProgress(byStatus, counts, waiting, outcomes.answered.sum(), realTime, outcomes.failed.sum());
    }

    /** What batching did so far in this run, for the summary. */
    public BatchFigures figures() {
        return new BatchFigures(batches.size(), outcomes.answered.sum(), outcomes.failedLines.sum(),
                outcomes.sentToRealTime.sum(), outcomes.costUsd.sum(), outcomes.realTimeCostUsd.sum());
    }

    /** The ledger this coordinator keeps. */
    public BatchLedger ledger() {
        return ledger;
    }

    /**
     * Stops waiting at the end of a run: polling stops, batches keep running and stay recorded, so the
     * next run collects them; requests still waiting fail with {@link BatchPendingException} naming
     * their batch. Requests sent in real time are left to finish. Waits up to {@value #CLOSE_GRACE_SECONDS}
     * seconds for a step under way (an upload, a download) to end. Idempotent.
     */
    @Override
    public void close() {
        shutdown("the run ended before its batch finished", false, Duration.ofSeconds(CLOSE_GRACE_SECONDS));
    }

    /**
     * Ctrl-C: as {@link #close()}, but batches still running are cancelled first when
     * {@link BatchConfig#cancelOnInterrupt()}; either way the ledger records them. Waits up to
     * {@code grace} for a step under way to end; a step is never interrupted, so no ledger line is torn
     * by it.
     */
    public void interrupt(Duration grace) {
        shutdown("the run was interrupted while waiting for its batch", config.cancelOnInterrupt(), grace);
    }

    static final int CLOSE_GRACE_SECONDS = 10;

    private void shutdown(String why, boolean cancel, Duration grace) {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        boolean idle = scheduler.stop(grace);
        try {
            if (!idle) {
                LOG.log(System.Logger.Level.WARNING, "a batch step was still under way when the coordinator closed; "
                        + "the ledger records what it completed");
            }
            if (cancel) {
                for (Tracked t : batches.values()) {
                    if (!t.finished && t.batchId != null && !t.status().terminal()) {
                        new Poller(this).cancel(t, "interrupted");
                    }
                }
            }
            for (Pending p : requests.all()) {
                if (!p.future.isDone() && p.state != ItemStatus.State.REAL_TIME) {
                    p.future.completeExceptionally(new BatchPendingException(p.status(), why));
                }
            }
        } finally {
            scheduler.release(idle);
        }
    }

    /** Receives each answer that came from a batch, with the id of that batch. */
    @FunctionalInterface
    public interface Sink {
        void accept(BatchItem item, Completion completion, String batchId);
    }
}
