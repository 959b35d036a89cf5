package dev.evalunit;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;


/** A benchmark class is declared wrongly; the message names the annotation, the method and the fix. */
@API(status = STABLE, since = "0.1")
public final class BenchmarkConfigurationException extends EvalunitException {

    public BenchmarkConfigurationException(String message) {
        super(message);
    }

    public BenchmarkConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
