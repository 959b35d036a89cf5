package dev.evalunit;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * The model's circuit breaker is open after a run of server failures: the request was rejected
 * without being sent, and will be until the breaker's delay has passed and a probe succeeds.
 */
@API(status = STABLE, since = "0.1")
public class CircuitOpenException extends LlmException {
    CircuitOpenException(String model, int attempts, String detail, Throwable cause) {
        super(ErrorKind.CIRCUIT_OPEN, model, attempts, 0, null, null, null, detail, cause);
    }
}
