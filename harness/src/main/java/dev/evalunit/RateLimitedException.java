package dev.evalunit;

import java.time.Duration;

/** A 429 {@code rate_limit_exceeded} that outlasted every retry. */
public class RateLimitedException extends LlmException {
    RateLimitedException(String model, int attempts, int status, String requestId, String body, Duration retryAfter,
                         String detail, Throwable cause) {
        super(ErrorKind.RATE_LIMITED, model, attempts, status, requestId, body, retryAfter, detail, cause);
    }
}
