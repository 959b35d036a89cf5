package dev.evalunit;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/** A 400, 404 or 422: the request is wrong as sent (bad parameter, unknown model). Never retried. */
@API(status = STABLE, since = "0.1")
public class InvalidRequestException extends LlmException {
    InvalidRequestException(String model, int attempts, int status, String requestId, String body, String detail,
                            Throwable cause) {
        super(ErrorKind.INVALID_REQUEST, model, attempts, status, requestId, body, null, detail, cause);
    }
}
