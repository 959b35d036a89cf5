package dev.evalunit;

import static org.apiguardian.api.API.Status.STABLE;

import java.time.Duration;
import org.apiguardian.api.API;

/**
 * The service failed to answer: a 5xx, 408 or 409, a timeout, a refused or reset connection, or an
 * unreadable body, still after every retry. {@link #kind()} tells which.
 */
@API(status = STABLE, since = "0.1")
public class ServiceUnavailableException extends LlmException {
    ServiceUnavailableException(ErrorKind kind, String model, int attempts, int status, String requestId, String body,
                                Duration retryAfter, String detail, Throwable cause) {
        super(kind, model, attempts, status, requestId, body, retryAfter, detail, cause);
    }
}
