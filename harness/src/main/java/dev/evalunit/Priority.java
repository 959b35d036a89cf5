package dev.evalunit;

/**
 * Which requests the shared client sends first when they wait for capacity. Within one priority,
 * requests go in the order they were submitted.
 */
public enum Priority {
    /** A test an IDE user is waiting for, or a judge call that blocks a body. */
    URGENT,
    /** Ordinary benchmark traffic. */
    NORMAL,
    /** Look-ahead and other work nobody waits for yet. */
    BACKGROUND
}
