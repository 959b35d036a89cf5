package dev.evalunit.dataset;

import dev.evalunit.EvalunitException;

/**
 * A dataset file is not available or its content is not what its reader expects. Catch this type for
 * every dataset problem; the subclasses carry the details as getters.
 */
public abstract class DatasetException extends EvalunitException {

    protected DatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}
