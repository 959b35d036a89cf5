package dev.evalunit;

/** A 429 {@code insufficient_quota}: the account has no credit left. Never retried. */
public class QuotaExhaustedException extends LlmException {
    QuotaExhaustedException(String model, int attempts, int status, String requestId, String body, String detail,
                            Throwable cause) {
        super(ErrorKind.QUOTA_EXHAUSTED, model, attempts, status, requestId, body, null, detail, cause);
    }
}
