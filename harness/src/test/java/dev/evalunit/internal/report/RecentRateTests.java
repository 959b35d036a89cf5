package dev.evalunit.internal.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The recent rate on a fake clock: every figure is exact. */
class RecentRateTests {

    private static final long SECOND = 1_000_000_000L;
    private static final long MILLI = 1_000_000L;

    private final AtomicLong clock = new AtomicLong(3 * SECOND);
    private final RecentRate rate = new RecentRate(clock::get);

    @Test
    void isUnknownUntilTheCompletionsSpanTenSeconds() {
        assertThat(rate.perSecond(clock.get())).as("none").isEmpty();
        rate.record();
        clock.addAndGet(SECOND);
        assertThat(rate.perSecond(clock.get())).as("one").isEmpty();
        rate.record();
        assertThat(rate.perSecond(clock.get())).as("two, a second apart").isEmpty();

        assertThat(rate.perSecond(clock.get() + 9 * SECOND - 1)).isEmpty();
        // Two completions and 10 s from the first: one interval in 10 s.
        assertThat(rate.perSecond(clock.get() + 9 * SECOND).getAsDouble()).isCloseTo(0.1, within(1e-12));
    }

    @Test
    void aFullBufferIsKnownSoonerThanTenSeconds() {
        for (int i = 0; i < RecentRate.CAPACITY; i++) {
            clock.addAndGet(MILLI);
            rate.record();
        }
        // 512 completions a millisecond apart, as a simulator answers.
        assertThat(rate.perSecond(clock.get()).getAsDouble()).isCloseTo(1000, within(1e-6));
    }

    @Test
    void countsOnlyTheLastMinute() {
        // Given a minute at 10/s
        for (int i = 0; i < 600; i++) {
            clock.addAndGet(SECOND / 10);
            rate.record();
        }
        // When the next minute goes at 1/s
        for (int i = 0; i < 60; i++) {
            clock.addAndGet(SECOND);
            rate.record();
        }
        // Then only the last fast one is still in the window, as its start: 60 intervals in 60 s
        assertThat(rate.perSecond(clock.get()).getAsDouble()).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void aPauseSlowsItAndAMinuteWithoutCompletionsForgetsIt() {
        for (int i = 0; i < 21; i++) {
            rate.record();
            clock.addAndGet(SECOND);
        }
        long last = clock.get() - SECOND;
        assertThat(rate.perSecond(last).getAsDouble()).isCloseTo(1.0, within(1e-12));
        // 20 intervals over the 20 s they took and 20 s of waiting since
        assertThat(rate.perSecond(last + 20 * SECOND).getAsDouble()).isCloseTo(0.5, within(1e-12));
        assertThat(rate.perSecond(last + 60 * SECOND + 1)).as("a minute after the last one").isEmpty();
    }
}
