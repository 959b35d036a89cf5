package dev.evalunit.internal.run;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.evalunit.EvalunitException;
import org.apiguardian.api.API;

/**
 * A dry run ({@code evalunit.dry-run=true}) sends nothing: every invocation is planned, counted and priced, and
 * then aborted with this, not failed.
 */
@API(status = INTERNAL, since = "0.1")
public final class DryRunException extends EvalunitException {

    private static final long serialVersionUID = 1L;

    DryRunException() {
        super("a dry run (evalunit.dry-run=true): planned and priced, nothing sent");
    }
}
