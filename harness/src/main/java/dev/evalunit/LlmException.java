package dev.evalunit;

import static org.apiguardian.api.API.Status.STABLE;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.apiguardian.api.API;

/**
 * The root of every failure the client reports. Each carries its context as getters (model,
 * attempts, HTTP status, request id, a truncated response body) and never the API key: messages
 * and bodies pass through the redactor before they are stored.
 */
@API(status = STABLE, since = "0.1")
public class LlmException extends EvalunitException {

    static final int MAX_BODY = 500;

    private final ErrorKind kind;
    private final String model;
    private final int attempts;
    private final int httpStatus;
    private final String requestId;
    private final String responseBody;
    private final transient Duration retryAfter;
    private final String detail;
    // Set only here, on a new instance (of(...), or a copy) before anyone else sees it.
    private transient List<Completion.FailedAttempt> earlierAttempts = List.of();
    private String errorCode;
    private String errorParam;
    private transient boolean retriesSpent;

    LlmException(ErrorKind kind, String model, int attempts, int httpStatus, String requestId, String responseBody,
                 Duration retryAfter, String detail, Throwable cause) {
        super(message(kind, model, attempts, httpStatus, requestId, detail), cause);
        this.kind = kind;
        this.model = model;
        this.attempts = attempts;
        this.httpStatus = httpStatus;
        this.requestId = requestId;
        this.responseBody = truncate(responseBody);
        this.retryAfter = retryAfter;
        this.detail = detail;
    }

    /**
     * The exception of {@code kind}'s type ({@link RateLimitedException} for {@link ErrorKind#RATE_LIMITED}, ...).
     * {@code responseBody} and {@code detail} must already be redacted.
     */
    public static LlmException of(ErrorKind kind, String model, int attempts, int httpStatus, String requestId,
                           String responseBody, Duration retryAfter, String detail, Throwable cause) {
        return switch (kind) {
            case RATE_LIMITED -> new RateLimitedException(model, attempts, httpStatus, requestId, responseBody, retryAfter, detail, cause);
            case QUOTA_EXHAUSTED -> new QuotaExhaustedException(model, attempts, httpStatus, requestId, responseBody, detail, cause);
            case AUTHENTICATION -> new AuthenticationException(model, attempts, httpStatus, requestId, responseBody, detail, cause);
            case INVALID_REQUEST -> new InvalidRequestException(model, attempts, httpStatus, requestId, responseBody, detail, cause);
            case SERVER_ERROR, TIMEOUT, CONNECTION, MALFORMED_RESPONSE ->
                    new ServiceUnavailableException(kind, model, attempts, httpStatus, requestId, responseBody, retryAfter, detail, cause);
            case CIRCUIT_OPEN -> new CircuitOpenException(model, attempts, detail, cause);
            case BUDGET_EXCEEDED -> new BudgetExceededException(model, detail);
            case NOT_SENT -> new NotSentException(model, detail, cause);
            case CANCELLED, UNEXPECTED -> new LlmException(kind, model, attempts, httpStatus, requestId, responseBody, retryAfter, detail, cause);
        };
    }

    /**
     * As {@link #of(ErrorKind, String, int, int, String, String, Duration, String, Throwable)}, with the error
     * object's {@code code} and {@code param} (e.g. {@code unsupported_value} and {@code temperature}).
     */
    public static LlmException of(ErrorKind kind, String model, int attempts, int httpStatus, String requestId,
                                  String responseBody, Duration retryAfter, String detail, Throwable cause,
                                  String errorCode, String errorParam) {
        LlmException e = of(kind, model, attempts, httpStatus, requestId, responseBody, retryAfter, detail, cause);
        e.errorCode = errorCode;
        e.errorParam = errorParam;
        return e;
    }

    /** This failure, the last of its request, with the attempts before it, which failed and were retried. */
    public LlmException withEarlierAttempts(List<Completion.FailedAttempt> attempts) {
        LlmException copy = copy();
        copy.earlierAttempts = List.copyOf(attempts);
        return copy;
    }

    /** This failure, not to be retried although its kind is retryable (e.g. its request timed out too often). */
    public LlmException withoutRetries() {
        LlmException copy = copy();
        copy.retriesSpent = true;
        return copy;
    }

    private LlmException copy() {
        LlmException copy = of(kind, model, attempts, httpStatus, requestId, responseBody, retryAfter, detail, getCause(),
                errorCode, errorParam);
        copy.earlierAttempts = earlierAttempts;
        copy.retriesSpent = retriesSpent;
        copy.setStackTrace(getStackTrace());
        return copy;
    }

    private static String message(ErrorKind kind, String model, int attempts, int status, String requestId,
                                  String detail) {
        StringBuilder m = new StringBuilder();
        m.append(kind.name().toLowerCase(Locale.ROOT).replace('_', ' '));
        if (status > 0) {
            m.append(" (HTTP ").append(status).append(')');
        }
        m.append(" from ").append(model);
        if (attempts > 0) {
            m.append(" after ").append(attempts).append(attempts == 1 ? " attempt" : " attempts");
        }
        if (requestId != null) {
            m.append(", request ").append(requestId);
        }
        if (detail != null && !detail.isBlank()) {
            m.append(": ").append(truncate(detail));
        }
        return m.toString();
    }

    private static String truncate(String text) {
        if (text == null || text.length() <= MAX_BODY) {
            return text;
        }
        return text.substring(0, MAX_BODY) + "...(" + (text.length() - MAX_BODY) + " more chars)";
    }

    public ErrorKind kind() {
        return kind;
    }

    /** The model the request was for. */
    public String model() {
        return model;
    }

    /** The attempts before the last one, which also failed and were retried; empty when there were none. */
    public List<Completion.FailedAttempt> earlierAttempts() {
        return earlierAttempts;
    }

    /** This failure as a line of its request's retry history: the {@link #attempts()}-th attempt. */
    public Completion.FailedAttempt asFailedAttempt() {
        return new Completion.FailedAttempt(attempts, kind.name().toLowerCase(Locale.ROOT), httpStatus,
                requestId, retryAfter == null ? null : retryAfter.toMillis());
    }

    /** OpenAI's error {@code code}, such as {@code insufficient_quota} or {@code unsupported_value}; or {@code null}. */
    public String errorCode() {
        return errorCode;
    }

    /** The request parameter OpenAI's error names ({@code param}, such as {@code temperature}); or {@code null}. */
    public String errorParam() {
        return errorParam;
    }

    /** How many attempts were made before giving up (0 when none was sent). */
    public int attempts() {
        return attempts;
    }

    /** The HTTP status of the last attempt, or 0 when no response came. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The API's {@code x-request-id} of the last attempt, or {@code null}. */
    public String requestId() {
        return requestId;
    }

    /** The last response's body, at most 500 characters, or {@code null}. */
    public String responseBody() {
        return responseBody;
    }

    /** How long the server asked us to wait, or {@code null}. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** Whether another attempt may succeed. */
    public boolean retryable() {
        return kind.retryable() && !retriesSpent;
    }
}
