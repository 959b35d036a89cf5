package dev.evalunit.internal.report;

import dev.evalunit.internal.concurrent.DaemonThreads;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Progress as one line every interval and a last line at close, for logs where a redrawn bar would
 * leave thousands of lines. Lines are due on the injected clock: {@link #stepped} prints when the
 * interval has passed, and the optional ticker thread covers long gaps with no step (batch waits).
 * Thread-safe; at most one line per interval however many threads step at once.
 */
final class PlainDisplay implements ProgressDisplay {

    private final ProgressReporter reporter;
    private final PrintStream out;
    private final LongSupplier nanoTime;
    private final long intervalNanos;
    private final long startNanos;
    private final AtomicLong nextDue;
    private final ScheduledExecutorService ticker;

    PlainDisplay(ProgressReporter reporter, ProgressOptions options) {
        this.reporter = reporter;
        this.out = options.out();
        this.nanoTime = options.nanoTime();
        this.intervalNanos = options.interval().toNanos();
        this.startNanos = nanoTime.getAsLong();
        this.nextDue = new AtomicLong(startNanos + intervalNanos);
        this.ticker = options.ticker() ? startTicker(intervalNanos) : null;
    }

    @Override
    public void stepped() {
        long now = nanoTime.getAsLong();
        long due = nextDue.get();
        // Only the thread that moves the deadline prints; the others see a later deadline and go on.
        if (now - due >= 0 && nextDue.compareAndSet(due, now + intervalNanos)) {
            print(line(now, false));
        }
    }

    @Override
    public void close() {
        if (ticker != null) {
            ticker.shutdownNow();
        }
        print(line(nanoTime.getAsLong(), true));
    }

    /**
     * {@code evalunit TruthfulQA: 1200/3000+ (40.0%) 85.3/s ETA 6m0s at 5.0/s errors 2 tokens 153,200 cost $0.0231}:
     * done over planned so far, the average rate, and the ETA at the recent rate ({@code ETA --} while there is
     * none), as {@link ProgressReporter} explains. The last line has the final total and {@code done in 35s}.
     */
    String line(long now, boolean last) {
        long done = reporter.done();
        long total = reporter.total();
        double seconds = Math.max(0, now - startNanos) / 1e9;
        double rate = seconds > 0 ? done / seconds : 0;
        String percent = Formats.percent(total > 0 ? (double) done / total : done > 0 ? 1 : 0);
        String when = last ? "done in " + Formats.seconds(seconds) : reporter.pace(now)
                .map(p -> "ETA " + Formats.seconds(p.eta().toMillis() / 1e3) + " at " + Formats.rate(p.perSecond()))
                .orElse("ETA --");
        return String.format(Locale.US, "evalunit %s: %d/%d%s (%s) %s %s %s", reporter.title(), done, total,
                last ? "" : "+", percent, Formats.rate(rate), when, reporter.extraMessage());
    }

    private synchronized void print(String line) {
        out.println(line);
        out.flush();
    }

    private ScheduledExecutorService startTicker(long periodNanos) {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("evalunit-progress"));
        // Ticks at a tenth of the interval so a line is at most 10% late; stepped() decides if one is due.
        long tick = Math.max(1_000_000L, periodNanos / 10);
        executor.scheduleAtFixedRate(this::stepped, tick, tick, TimeUnit.NANOSECONDS);
        return executor;
    }
}
