package dev.evalunit.simulator;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apiguardian.api.API;

/**
 * A nanosecond clock that moves only when told to, for {@link SimulatorOptions.Builder#nanoTime}: a
 * test advances it past a batch's validation, its requests or its finalizing and sees the next status
 * on its next look, with no sleeping and no timing assertions. Thread-safe.
 *
 * <pre>{@code
 * ManualClock clock = new ManualClock();
 * OpenAiSimulator simulator = OpenAiSimulator.start(SimulatorOptions.builder().nanoTime(clock).build());
 * ... create a batch ...
 * clock.advance(Duration.ofSeconds(1));   // every phase with the default BatchOptions is over
 * }</pre>
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class ManualClock implements LongSupplier {

    private final AtomicLong nanos;

    /** A clock at an arbitrary positive reading. */
    public ManualClock() {
        this(1_000_000_000L);
    }

    public ManualClock(long startNanos) {
        this.nanos = new AtomicLong(startNanos);
    }

    @Override
    public long getAsLong() {
        return nanos.get();
    }

    /** Moves the clock forward. */
    public void advance(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("a clock only moves forward, but the duration was " + duration);
        }
        nanos.addAndGet(duration.toNanos());
    }

    @Override
    public String toString() {
        return "ManualClock[" + nanos.get() + " ns]";
    }
}
