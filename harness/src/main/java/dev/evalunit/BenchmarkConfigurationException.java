package dev.evalunit;


/** A benchmark class is declared wrongly; the message names the annotation, the method and the fix. */
public final class BenchmarkConfigurationException extends EvalunitException {

    public BenchmarkConfigurationException(String message) {
        super(message);
    }

    public BenchmarkConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
