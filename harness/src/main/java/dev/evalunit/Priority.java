package dev.evalunit;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * Which requests the shared client sends first when they wait for capacity. Within one priority,
 * requests go in the order they were submitted.
 */
@API(status = STABLE, since = "0.1")
public enum Priority {
    /** A test an IDE user is waiting for, or a judge call that blocks a body. */
    URGENT,
    /** Ordinary benchmark traffic. */
    NORMAL,
    /** Look-ahead and other work nobody waits for yet. */
    BACKGROUND
}
