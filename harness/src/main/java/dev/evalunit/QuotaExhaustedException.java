package dev.evalunit;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/** A 429 {@code insufficient_quota}: the account has no credit left. Never retried. */
@API(status = STABLE, since = "0.1")
public class QuotaExhaustedException extends LlmException {
    QuotaExhaustedException(String model, int attempts, int status, String requestId, String body, String detail,
                            Throwable cause) {
        super(ErrorKind.QUOTA_EXHAUSTED, model, attempts, status, requestId, body, null, detail, cause);
    }
}
