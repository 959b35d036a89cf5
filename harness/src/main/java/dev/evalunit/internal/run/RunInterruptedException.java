package dev.evalunit.internal.run;

import dev.evalunit.EvalunitException;

/**
 * The run was interrupted (Ctrl-C) before this answer came: its invocation is aborted, not failed, and
 * the next run sends its request.
 */
public final class RunInterruptedException extends EvalunitException {

    private static final long serialVersionUID = 1L;

    RunInterruptedException() {
        super("the run was interrupted before this answer came; run the same command again to get it");
    }
}
