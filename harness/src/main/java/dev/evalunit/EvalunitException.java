package dev.evalunit;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * The root of evalunit's own failures: a request that failed ({@link LlmException}), a setting that is
 * wrong ({@code ConfigException}), a dataset that cannot be read ({@code DatasetException}), a benchmark
 * declared wrongly, a checkpoint or batch ledger that cannot be read or written. Catch it to tell the
 * library's failures from a test's own. Every message names what, which and where, and never the API key.
 */
@API(status = STABLE, since = "0.1")
public abstract class EvalunitException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    protected EvalunitException(String message) {
        super(message);
    }

    protected EvalunitException(String message, Throwable cause) {
        super(message, cause);
    }
}
