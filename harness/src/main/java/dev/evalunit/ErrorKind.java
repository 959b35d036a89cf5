package dev.evalunit;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/** What went wrong with a request, as counted in the metrics and shown in reports. */
@API(status = STABLE, since = "0.1")
public enum ErrorKind {
    /** 429 {@code rate_limit_exceeded} still after every retry. Retryable. */
    RATE_LIMITED(true),
    /** 429 {@code insufficient_quota}: the account is out of credit. Not retried. */
    QUOTA_EXHAUSTED(false),
    /** 401 or 403: the key is wrong or lacks access. Not retried. */
    AUTHENTICATION(false),
    /** 400, 404 or 422: the request itself is wrong (or the model does not exist). Not retried. */
    INVALID_REQUEST(false),
    /** 5xx, 408 or 409 from the server. Retryable. */
    SERVER_ERROR(true),
    /** No answer in time. Retryable. */
    TIMEOUT(true),
    /** A connection refused or reset. Retryable. */
    CONNECTION(true),
    /** A 200 whose body could not be read. Retryable. */
    MALFORMED_RESPONSE(true),
    /** The model's circuit breaker is open after a run of server failures. */
    CIRCUIT_OPEN(false),
    /** Sending would take the projected spend past the budget cap. */
    BUDGET_EXCEEDED(false),
    /**
     * Not sent: an earlier failure that every request of its model (or of its shape) would meet again
     * (a wrong key, no quota, an unknown model, an unsupported parameter value) stopped sending them.
     */
    NOT_SENT(false),
    /** The client was closed, or the caller cancelled. */
    CANCELLED(false),
    /** Anything else: a bug or an unforeseen exception. Not retried, so it shows at once. */
    UNEXPECTED(false);

    private final boolean retryable;

    ErrorKind(boolean retryable) {
        this.retryable = retryable;
    }

    /** Whether another attempt may succeed. */
    public boolean retryable() {
        return retryable;
    }

    /** Whether the failure says the model's service is unhealthy (what the circuit breaker counts). */
    public boolean serverFailure() {
        return this == SERVER_ERROR || this == TIMEOUT || this == CONNECTION || this == MALFORMED_RESPONSE;
    }
}
