package dev.evalunit;

/**
 * The model's circuit breaker is open after a run of server failures: the request was rejected
 * without being sent, and will be until the breaker's delay has passed and a probe succeeds.
 */
public class CircuitOpenException extends LlmException {
    CircuitOpenException(String model, int attempts, String detail, Throwable cause) {
        super(ErrorKind.CIRCUIT_OPEN, model, attempts, 0, null, null, null, detail, cause);
    }
}
