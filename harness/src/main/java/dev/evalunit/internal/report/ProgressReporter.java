package dev.evalunit.internal.report;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.evalunit.client.ClientMetrics;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.apiguardian.api.API;

/**
 * The live progress of a run: done/total, rate, ETA, errors, tokens and cost. Thread-safe: test
 * threads call {@link #step} concurrently. Close it when the run ends; closing prints the last line.
 *
 * <p>On a terminal it draws a bar with {@code me.tongfei:progressbar}; in a CI log, or whenever
 * {@code evalunit.progress=plain}, it prints a line every {@code evalunit.progress.interval} and a
 * last one:
 *
 * <pre>
 * evalunit TruthfulQA: 1200/3000+ (40.0%) 85.3/s ETA 6m0s at 5.0/s errors 2 tokens 153,200 cost $0.0231
 * </pre>
 *
 * <p>The total is what the tests started so far have planned ({@code +}: a later test may add more). The rate
 * after the percentage is the run's average; the ETA is not, since answers replayed from a checkpoint or
 * collected from a batch come by the thousand a second and the rest at the pace of the API. The ETA is the
 * invocations left over the {@linkplain RecentRate recent rate} of those that sent a request of their own,
 * and is left out ({@code ETA --}) until that rate is known, and while answers are being replayed (one was in
 * the last {@value #REPLAYING_SECONDS} seconds): a replay that sends a request now and then would otherwise show
 * hours for what takes seconds.
 *
 * <p>Tokens and cost are what the client reports ({@code metrics}): the spend of this run, including
 * requests a hand-written test sends itself, plus the answers collected from a batch, which never pass the
 * client. Without metrics they are summed from the results, replayed ones left out since they cost nothing
 * now. Errors are invocations that ended in {@code ERROR}.
 */
@API(status = INTERNAL, since = "0.1")
public final class ProgressReporter implements AutoCloseable {

    private final String title;
    private final Supplier<ClientMetrics.Snapshot> metrics;
    private final AtomicLong total;
    private final LongAdder done = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder tokens = new LongAdder();
    private final DoubleAdder costUsd = new DoubleAdder();
    /** The part of {@link #tokens} and {@link #costUsd} collected from batches: not in the client's metrics. */
    private final LongAdder batchTokens = new LongAdder();
    private final DoubleAdder batchCostUsd = new DoubleAdder();
    private final RecentRate recent;
    /** Seconds since the last answer replayed during which no ETA is shown. */
    static final long REPLAYING_SECONDS = 5;
    private final java.util.function.LongSupplier nanoTime;
    /** When an answer was last replayed from the checkpoint, on {@link #nanoTime}. */
    private volatile long lastInstantAnswer = Long.MIN_VALUE;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ProgressDisplay display;
    private volatile Supplier<String> detail = () -> "";

    private ProgressReporter(String title, long total, Supplier<ClientMetrics.Snapshot> metrics,
                             ProgressOptions options, ProgressMode mode) {
        this.title = Objects.requireNonNull(title, "title");
        this.total = new AtomicLong(requireNonNegative("total", total));
        this.metrics = metrics;
        this.recent = new RecentRate(options.nanoTime());
        this.nanoTime = options.nanoTime();
        this.display = switch (mode) {
            case BAR -> new BarDisplay(this, options);
            case PLAIN -> new PlainDisplay(this, options);
            case OFF -> ProgressDisplay.NONE;
            case AUTO -> throw new IllegalArgumentException("mode must be resolved before start");
        };
    }

    /**
     * Starts showing progress.
     *
     * @param title   what runs, e.g. the suite's name
     * @param total   invocations planned so far, &gt;= 0; {@link #addTotal} adds later ones
     * @param metrics the client's figures for tokens and cost, or {@code null} to sum them from the results
     * @param options mode, interval, stream and clock; {@code AUTO} becomes a bar on a terminal without
     *                {@code CI} set, and plain lines otherwise
     */
    public static ProgressReporter start(String title, long total, Supplier<ClientMetrics.Snapshot> metrics,
                                         ProgressOptions options) {
        return start(title, total, metrics, options, System.console() != null, System.getenv("CI"));
    }

    static ProgressReporter start(String title, long total, Supplier<ClientMetrics.Snapshot> metrics,
                                  ProgressOptions options, boolean console, String ci) {
        Objects.requireNonNull(options, "options");
        return new ProgressReporter(title, total, metrics, options, options.mode().resolve(console, ci));
    }

    /** One invocation finished, however it ended, and its answer did not come from a batch. Ignored once closed. */
    public void step(InvocationResult result) {
        step(result, false);
    }

    /**
     * One invocation finished, however it ended. Ignored once closed.
     *
     * @param fromBatch whether its answer was collected from a Batch API job: its tokens and cost are then
     *                  not in the client's metrics, and it waited on no request of its own, so it does not
     *                  count in the rate of the ETA
     */
    public void step(InvocationResult result, boolean fromBatch) {
        Objects.requireNonNull(result, "result");
        if (closed.get()) {
            return;
        }
        done.increment();
        if (result.status() == InvocationResult.Outcome.ERROR) {
            errors.increment();
        }
        if (!result.replayed()) {
            tokens.add(result.totalTokens());
            costUsd.add(result.costUsd());
            if (fromBatch) {
                batchTokens.add(result.totalTokens());
                batchCostUsd.add(result.costUsd());
            }
        }
        if (!result.replayed() && !fromBatch && result.status() != InvocationResult.Outcome.SKIPPED
                && result.status() != InvocationResult.Outcome.ABORTED) {
            recent.record();
        } else if (result.replayed()) {
            lastInstantAnswer = nanoTime.getAsLong();
        }
        display.stepped();
    }

    /** A later suite plans {@code more} invocations. */
    public void addTotal(long more) {
        requireNonNegative("more", more);
        long now = total.addAndGet(more);
        if (!closed.get()) {
            display.totalChanged(now);
        }
    }

    /** Prints the last line (or completes the bar) and stops the ticker. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            display.close();
        }
    }

    /** Invocations finished so far. */
    public long done() {
        return done.sum();
    }

    /** Invocations planned so far. */
    public long total() {
        return total.get();
    }

    String title() {
        return title;
    }

    long errors() {
        return errors.sum();
    }

    /** Tokens in and out and cost, from the client when it is known, as the class comment explains. */
    Spend spend() {
        ClientMetrics.Snapshot s = metrics == null ? null : metrics.get();
        return s == null ? new Spend(tokens.sum(), costUsd.sum())
                : new Spend(s.promptTokens() + s.completionTokens() + batchTokens.sum(),
                s.costUsd() + batchCostUsd.sum());
    }

    /**
     * The recent rate at {@code now} (on the options' clock) and the time the invocations planned so far
     * still need at it; empty while that rate is unknown, as the class comment explains.
     */
    Optional<Pace> pace(long now) {
        OptionalDouble rate = recent.perSecond(now);
        long instant = lastInstantAnswer;
        if (rate.isEmpty() || instant != Long.MIN_VALUE && now - instant < REPLAYING_SECONDS * 1_000_000_000L) {
            return Optional.empty(); // not known yet, or answers are being replayed: their pace is not the API's
        }
        long left = Math.max(0, total() - done());
        double perSecond = rate.getAsDouble();
        return Optional.of(new Pace(perSecond, Duration.ofMillis(Math.round(left * 1000 / perSecond))));
    }

    /** "errors 2 tokens 153,200 cost $0.0231": the part of a line the bar library does not draw. */
    String extraMessage() {
        Spend spend = spend();
        String more = detail.get();
        return "errors " + Formats.count(errors()) + " tokens " + Formats.count(spend.tokens())
                + " cost " + Formats.usd(spend.costUsd()) + (more == null || more.isEmpty() ? "" : " " + more);
    }

    /**
     * Adds what {@code detail} says, when not empty, to every line from now on (such as the counts of
     * the batches the run waits for). Called from the display's thread, so it must be quick.
     */
    public void detail(Supplier<String> detail) {
        this.detail = Objects.requireNonNull(detail, "detail");
    }

    record Spend(long tokens, double costUsd) {
    }

    /** Invocations a second at the recent rate, and the time left at it. */
    record Pace(double perSecond, Duration eta) {
    }

    private static long requireNonNegative(String name, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must be >= 0 but was " + value);
        }
        return value;
    }
}
