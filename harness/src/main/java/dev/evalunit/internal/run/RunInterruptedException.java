package dev.evalunit.internal.run;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.evalunit.EvalunitException;
import org.apiguardian.api.API;

/**
 * The run was interrupted (Ctrl-C) before this answer came: its invocation is aborted, not failed, and
 * the next run sends its request.
 */
@API(status = INTERNAL, since = "0.1")
public final class RunInterruptedException extends EvalunitException {

    private static final long serialVersionUID = 1L;

    RunInterruptedException() {
        super("the run was interrupted before this answer came; run the same command again to get it");
    }
}
