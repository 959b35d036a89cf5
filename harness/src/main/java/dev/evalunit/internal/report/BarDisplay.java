package dev.evalunit.internal.report;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress as a bar redrawn in place by {@code me.tongfei:progressbar}, which computes done/total and the
 * average rate and redraws on its own thread once a second. The ETA is ours, at the recent rate ({@code ?}
 * while there is none), as {@link ProgressReporter} explains; errors, tokens and cost are its extra message.
 * The library draws the total without the {@code +} of plain lines. Thread-safe: the library synchronizes
 * its state.
 */
final class BarDisplay implements ProgressDisplay {

    /** How often the bar is redrawn, and so how often the extra message is worth recomputing. */
    private static final int REDRAW_MILLIS = 1_000;
    /**
     * Width of a bar forced onto a stream that is no terminal: the library would assume 80 columns and cut
     * off the cost at the end of the line.
     */
    private static final int WIDTH_WITHOUT_TERMINAL = 160;

    private final ProgressReporter reporter;
    private final ProgressBar bar;
    private final LongSupplier nanoTime;
    private final AtomicLong nextMessage;

    BarDisplay(ProgressReporter reporter, ProgressOptions options) {
        this.reporter = reporter;
        this.nanoTime = options.nanoTime();
        this.nextMessage = new AtomicLong(nanoTime.getAsLong());
        this.bar = ProgressBar.builder()
                .setTaskName("evalunit " + reporter.title())
                .setInitialMax(reporter.total())
                .setStyle(ProgressBarStyle.UNICODE_BLOCK)
                .setUpdateIntervalMillis(REDRAW_MILLIS)
                .showSpeed()
                .setEtaFunction(state -> reporter.pace(nanoTime.getAsLong()).map(ProgressReporter.Pace::eta))
                .setConsumer(consumer(options))
                .build();
        bar.setExtraMessage(message());
    }

    @Override
    public void stepped() {
        bar.step();
        // The metrics snapshot copies histograms: refresh the message once per redraw, not once per step.
        long now = nanoTime.getAsLong();
        long due = nextMessage.get();
        if (now - due >= 0 && nextMessage.compareAndSet(due, now + REDRAW_MILLIS * 1_000_000L)) {
            bar.setExtraMessage(message());
        }
    }

    /** The library writes the extra message right after the speed, with no space of its own. */
    private String message() {
        return " " + reporter.extraMessage();
    }

    private static ConsoleProgressBarConsumer consumer(ProgressOptions options) {
        boolean terminal = System.console() != null && options.out() == System.out;
        // On a terminal the library reads its width (through JLine) and fits the bar to it.
        return terminal ? new ConsoleProgressBarConsumer(options.out())
                : new ConsoleProgressBarConsumer(options.out(), WIDTH_WITHOUT_TERMINAL);
    }

    @Override
    public void totalChanged(long total) {
        bar.maxHint(total);
    }

    @Override
    public void close() {
        bar.setExtraMessage(message());
        bar.close();
    }
}
