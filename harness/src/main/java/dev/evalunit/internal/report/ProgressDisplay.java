package dev.evalunit.internal.report;

/** One way of showing a {@link ProgressReporter}: the bar, plain lines, or nothing. */
interface ProgressDisplay {

    ProgressDisplay NONE = new ProgressDisplay() {
    };

    /** An invocation finished; the reporter's counters already include it. */
    default void stepped() {
    }

    default void totalChanged(long total) {
    }

    /** The run ended: show the last state and release any thread. Called once. */
    default void close() {
    }
}
