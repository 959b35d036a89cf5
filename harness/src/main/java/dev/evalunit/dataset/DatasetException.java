package dev.evalunit.dataset;

import static org.apiguardian.api.API.Status.STABLE;

import dev.evalunit.EvalunitException;
import org.apiguardian.api.API;

/**
 * A dataset file is not available or its content is not what its reader expects. Catch this type for
 * every dataset problem; the subclasses carry the details as getters.
 */
@API(status = STABLE, since = "0.1")
public abstract class DatasetException extends EvalunitException {

    protected DatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}
