package dev.evalunit.internal.checkpoint;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.nio.file.Path;
import org.apiguardian.api.API;

/**
 * Another run uses a suite's state: this run sends nothing for that suite. The message names the
 * holder (pid, host, start time) and what to do.
 */
@API(status = INTERNAL, since = "0.1")
public class StateLockedException extends CheckpointException {

    private static final long serialVersionUID = 1L;

    private final transient StateLock.Holder holder;

    StateLockedException(String suite, Path directory, StateLock.Holder holder) {
        super(directory, 0, "the state of suite " + suite + " (" + JsonlFiles.shown(directory) + ") is in use by another "
                + "evalunit run (" + (holder == null ? "its pid and host are not recorded" : holder.describe())
                + "); two runs on one state would each pay for every request. Nothing was sent for " + suite
                + ". Wait for that run to end or stop it, then run again, or set -Devalunit.checkpoint.lock-wait=30m "
                + "to wait for it", null);
        this.holder = holder;
    }

    /** The run that holds the state, or {@code null} when it recorded nothing yet. */
    public StateLock.Holder holder() {
        return holder;
    }
}
