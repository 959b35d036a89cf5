package dev.evalunit;

/** A 401 or 403: the API key is wrong, revoked, or lacks access to the model. Never retried. */
public class AuthenticationException extends LlmException {
    AuthenticationException(String model, int attempts, int status, String requestId, String body, String detail,
                            Throwable cause) {
        super(ErrorKind.AUTHENTICATION, model, attempts, status, requestId, body, null, detail, cause);
    }
}
