package dev.evalunit;

import static org.apiguardian.api.API.Status.STABLE;

import java.time.Duration;
import org.apiguardian.api.API;

/** A 429 {@code rate_limit_exceeded} that outlasted every retry. */
@API(status = STABLE, since = "0.1")
public class RateLimitedException extends LlmException {
    RateLimitedException(String model, int attempts, int status, String requestId, String body, Duration retryAfter,
                         String detail, Throwable cause) {
        super(ErrorKind.RATE_LIMITED, model, attempts, status, requestId, body, retryAfter, detail, cause);
    }
}
