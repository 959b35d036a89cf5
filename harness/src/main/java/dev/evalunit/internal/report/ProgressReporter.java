package dev.evalunit.internal.report;

import dev.evalunit.client.ClientMetrics;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The live progress of a run: done/total, rate, ETA, errors, tokens and cost. Thread-safe: test
 * threads call {@link #step} concurrently. Close it when the run ends; closing prints the last line.
 *
 * <p>On a terminal it draws a bar with {@code me.tongfei:progressbar}; in a CI log, or whenever
 * {@code evalunit.progress=plain}, it prints a line every {@code evalunit.progress.interval} and a
 * last one:
 *
 * <pre>
 * evalunit TruthfulQA: 1200/3000 (40.0%) 85.3/s ETA 21s errors 2 tokens 153,200 cost $0.0231
 * </pre>
 *
 * <p>Tokens and cost are what the client reports ({@code metrics}): the spend of this run, including
 * requests a hand-written test sends itself. Without metrics they are summed from the results, replayed
 * ones left out since they cost nothing now. Errors are invocations that ended in {@code ERROR}.
 */
public final class ProgressReporter implements AutoCloseable {

    private final String title;
    private final Supplier<ClientMetrics.Snapshot> metrics;
    private final AtomicLong total;
    private final LongAdder done = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder tokens = new LongAdder();
    private final DoubleAdder costUsd = new DoubleAdder();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ProgressDisplay display;

    private ProgressReporter(String title, long total, Supplier<ClientMetrics.Snapshot> metrics,
                             ProgressOptions options, ProgressMode mode) {
        this.title = Objects.requireNonNull(title, "title");
        this.total = new AtomicLong(requireNonNegative("total", total));
        this.metrics = metrics;
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
    private volatile Supplier<String> detail = () -> "";

    public static ProgressReporter start(String title, long total, Supplier<ClientMetrics.Snapshot> metrics,
                                         ProgressOptions options) {
        return start(title, total, metrics, options, System.console() != null, System.getenv("CI"));
    }

    static ProgressReporter start(String title, long total, Supplier<ClientMetrics.Snapshot> metrics,
                                  ProgressOptions options, boolean console, String ci) {
        Objects.requireNonNull(options, "options");
        return new ProgressReporter(title, total, metrics, options, options.mode().resolve(console, ci));
    }

    /** One invocation finished, however it ended. Ignored once closed. */
    public void step(InvocationResult result) {
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
                : new Spend(s.promptTokens() + s.completionTokens(), s.costUsd());
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

    private static long requireNonNegative(String name, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must be >= 0 but was " + value);
        }
        return value;
    }
}
