package dev.evalunit.simulator;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The mutable state of one simulator: its options, buckets (OpenAI's and Anthropic's), log, fault draws, scripted
 * failures, files, batches and message batches. Thread-safe: options and buckets are swapped whole through volatile fields, the fault
 * sequence and the script are guarded by their own locks, files and batches by theirs.
 */
final class SimulatorState {

    /** A scripted failure: the next {@code remaining} chat or Messages requests get {@code status} and {@code code}. */
    record Scripted(int status, String code, Map<String, String> headers) {
    }

    /** What the fault draw decided for one admitted request. */
    enum Fault { NONE, SERVER_ERROR, CONNECTION_RESET, MALFORMED_BODY }

    private final RequestLog log;
    private final ArrayDeque<Pending> script = new ArrayDeque<>();
    private final AtomicLong unseededAnswers = new AtomicLong();
    private final FileStore files = new FileStore();
    private final BatchStore batches;
    private final MessageBatchStore messageBatches;
    private volatile SimulatorOptions options;
    private volatile long epochOffsetNanos;
    private volatile RateLimits limits;
    private volatile AnthropicLimits anthropicLimits;
    private Random faults;

    SimulatorState(SimulatorOptions options) {
        this.options = options;
        this.limits = new RateLimits(options);
        this.anthropicLimits = new AnthropicLimits(options);
        this.log = new RequestLog(options.requestLogCapacity());
        this.faults = new Random(options.faultSeed());
        this.epochOffsetNanos = epochOffset(options);
        this.batches = new BatchStore(files, new ChatCompletions(this), options.faultSeed());
        this.messageBatches = new MessageBatchStore(new Messages(this), options.faultSeed());
    }

    SimulatorOptions options() {
        return options;
    }

    RateLimits limits() {
        return limits;
    }

    /** The limits of Anthropic's route, apart from {@link #limits()}. */
    AnthropicLimits anthropicLimits() {
        return anthropicLimits;
    }

    RequestLog log() {
        return log;
    }

    FileStore files() {
        return files;
    }

    BatchStore batches() {
        return batches;
    }

    MessageBatchStore messageBatches() {
        return messageBatches;
    }

    /**
     * What the clock's reading {@code nanos} is in Unix nanoseconds: the simulator's timestamps follow its
     * clock, so a test that moves a {@link ManualClock} by an hour sees {@code completed_at} an hour later.
     */
    long epochOffsetNanos() {
        return epochOffsetNanos;
    }

    /** The Unix time in seconds of the clock's reading {@code nanos}. */
    long unixSeconds(long nanos) {
        return Math.floorDiv(nanos + epochOffsetNanos, 1_000_000_000L);
    }

    // Whole seconds, so a clock reading on a whole second is a Unix time on a whole second too, and a
    // test's timestamps are exact offsets from each other.
    private static long epochOffset(SimulatorOptions options) {
        return Math.floorDiv(System.currentTimeMillis() * 1_000_000L - options.nanoTime().getAsLong(),
                1_000_000_000L) * 1_000_000_000L;
    }

    synchronized void reconfigure(SimulatorOptions next) {
        SimulatorOptions previous = options;
        options = next;
        if (!previous.sameLimits(next)) {
            limits = new RateLimits(next);
        }
        if (!previous.sameAnthropicLimits(next)) {
            anthropicLimits = new AnthropicLimits(next);
        }
        if (previous.faultSeed() != next.faultSeed()) {
            synchronized (script) {
                faults = new Random(next.faultSeed());
            }
            batches.reseed(next.faultSeed());
            messageBatches.reseed(next.faultSeed());
        }
        if (previous.nanoTime() != next.nanoTime()) {
            epochOffsetNanos = epochOffset(next);
        }
        log.capacity(next.requestLogCapacity());
    }

    synchronized void reset() {
        limits = new RateLimits(options);
        anthropicLimits = new AnthropicLimits(options);
        log.clear();
        unseededAnswers.set(0);
        files.clear();
        batches.clear(options.faultSeed());
        messageBatches.clear(options.faultSeed());
        synchronized (script) {
            script.clear();
            faults = new Random(options.faultSeed());
        }
    }

    void failNext(int count, int status, String code, Map<String, String> headers) {
        if (count <= 0) {
            return;
        }
        synchronized (script) {
            script.addLast(new Pending(new Scripted(status, code, Map.copyOf(headers)), count));
        }
    }

    /** The scripted failure for this request, or {@code null} when none is pending. */
    Scripted nextScripted() {
        synchronized (script) {
            Pending head = script.peekFirst();
            if (head == null) {
                return null;
            }
            if (--head.remaining == 0) {
                script.pollFirst();
            }
            return head.failure;
        }
    }

    /** Draws the fault of one admitted request; one draw each, in arrival order, from the seeded sequence. */
    Fault drawFault(SimulatorOptions o) {
        if (o.serverErrorShare() == 0 && o.connectionResetShare() == 0 && o.malformedBodyShare() == 0) {
            return Fault.NONE;
        }
        double draw;
        synchronized (script) {
            draw = faults.nextDouble();
        }
        if (draw < o.serverErrorShare()) {
            return Fault.SERVER_ERROR;
        }
        if (draw < o.serverErrorShare() + o.connectionResetShare()) {
            return Fault.CONNECTION_RESET;
        }
        if (draw < o.serverErrorShare() + o.connectionResetShare() + o.malformedBodyShare()) {
            return Fault.MALFORMED_BODY;
        }
        return Fault.NONE;
    }

    boolean drawSlow(SimulatorOptions o) {
        if (o.slowShare() == 0) {
            return false;
        }
        synchronized (script) {
            return faults.nextDouble() < o.slowShare();
        }
    }

    /** Whether this Messages request is answered 529 {@code overloaded_error} ({@link SimulatorOptions#overloadedShare()}). */
    boolean drawOverloaded(SimulatorOptions o) {
        if (o.overloadedShare() == 0) {
            return false;
        }
        synchronized (script) {
            return faults.nextDouble() < o.overloadedShare();
        }
    }

    /** Whether this answer leaves out its {@code usage} ({@link SimulatorOptions#usageOmittedShare()}). */
    boolean drawUsageOmitted(SimulatorOptions o) {
        if (o.usageOmittedShare() == 0) {
            return false;
        }
        synchronized (script) {
            return faults.nextDouble() < o.usageOmittedShare();
        }
    }

    /** A fresh number for answers that are allowed to vary (temperature above 0, no seed). */
    long nextUnseeded() {
        return unseededAnswers.incrementAndGet();
    }

    private static final class Pending {
        final Scripted failure;
        int remaining;

        Pending(Scripted failure, int remaining) {
            this.failure = failure;
            this.remaining = remaining;
        }
    }
}
