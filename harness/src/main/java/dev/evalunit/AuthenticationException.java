package dev.evalunit;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/** A 401 or 403: the API key is wrong, revoked, or lacks access to the model. Never retried. */
@API(status = STABLE, since = "0.1")
public class AuthenticationException extends LlmException {
    AuthenticationException(String model, int attempts, int status, String requestId, String body, String detail,
                            Throwable cause) {
        super(ErrorKind.AUTHENTICATION, model, attempts, status, requestId, body, null, detail, cause);
    }
}
