package dev.evalunit.internal.client;

import static org.apiguardian.api.API.Status.INTERNAL;

import com.anthropic.errors.AnthropicInvalidDataException;
import com.anthropic.errors.AnthropicIoException;
import com.anthropic.errors.AnthropicServiceException;
import com.openai.core.http.Headers;
import com.openai.errors.OpenAIInvalidDataException;
import com.openai.errors.OpenAIIoException;
import com.openai.errors.OpenAIServiceException;
import dev.evalunit.ErrorKind;
import dev.evalunit.LlmException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import org.apiguardian.api.API;

/**
 * Turns what openai-java, anthropic-java and the network throw into our exception hierarchy, deciding on the way
 * what is retryable: 429 {@code rate_limit_exceeded}, 408, 409, 5xx, timeouts, resets and unreadable
 * bodies are; 400, 401, 403, 404, 422 and 429 {@code insufficient_quota} are not. The Batch API's
 * calls and its failed lines are classified here too, so both paths agree. Stateless and thread-safe.
 */
@API(status = INTERNAL, since = "0.1")
public final class Failures {

    private Failures() {
    }

    /** The failure of one attempt, as our exception. */
    public static LlmException classify(Throwable thrown, String model, int attempt, Redactor redactor) {
        Throwable t = unwrap(thrown);
        if (t instanceof LlmException llm) {
            return llm;
        }
        if (t instanceof OpenAIServiceException service) {
            return fromStatus(service, model, attempt, redactor);
        }
        if (t instanceof AnthropicServiceException service) {
            return AnthropicTransport.failure(service, model, attempt, redactor);
        }
        if (t instanceof OpenAIInvalidDataException || t instanceof AnthropicInvalidDataException) {
            return LlmException.of(ErrorKind.MALFORMED_RESPONSE, model, attempt, 200, null, null, null,
                    redactor.redact(t.getMessage()), null);
        }
        if (t instanceof OpenAIIoException || t instanceof AnthropicIoException || t instanceof IOException) {
            Throwable io = !(t instanceof IOException) && t.getCause() != null ? t.getCause() : t;
            ErrorKind kind = io instanceof SocketTimeoutException || io instanceof InterruptedIOException
                    ? ErrorKind.TIMEOUT : ErrorKind.CONNECTION;
            return LlmException.of(kind, model, attempt, 0, null, null, null,
                    io.getClass().getSimpleName() + ": " + redactor.redact(io.getMessage()), null);
        }
        if (t instanceof CancellationException) {
            return LlmException.of(ErrorKind.CANCELLED, model, attempt, 0, null, null, null, t.getMessage(), null);
        }
        return LlmException.of(ErrorKind.UNEXPECTED, model, attempt, 0, null, null, null,
                t.getClass().getName() + ": " + redactor.redact(t.getMessage()), null);
    }

    /** The rate-limit headers a failed exchange came with, or {@code null} when no HTTP response came. */
    static RateLimitHeaders headersOf(Throwable failure) {
        Throwable t = unwrap(failure);
        if (t instanceof OpenAIServiceException service) {
            return RateLimitHeaders.parse(name -> first(service.headers(), name));
        }
        if (t instanceof AnthropicServiceException service) {
            return RateLimitHeaders.anthropic(name -> AnthropicTransport.first(service.headers(), name), Instant.now());
        }
        return null;
    }

    /** The cause inside {@link CompletionException} and {@link ExecutionException} wrappers. */
    public static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static LlmException fromStatus(OpenAIServiceException e, String model, int attempt, Redactor redactor) {
        int status = e.statusCode();
        Headers headers = e.headers();
        String requestId = first(headers, "x-request-id");
        String body = redactor.redact(String.valueOf(e.body()));
        String code = optional(() -> e.code().orElse(null));
        String type = optional(() -> e.type().orElse(null));
        RateLimitHeaders limits = RateLimitHeaders.parse(name -> first(headers, name));
        ErrorDetail error = errorDetail(e);
        String detail = redactor.redact(error != null && error.message() != null
                ? (error.code() != null ? error.code() + ": " : "") + error.message() : e.getMessage());
        ErrorKind kind = kindOf(status, code, type);
        Duration wait = limits.waitAfterRateLimit(kind == ErrorKind.RATE_LIMITED && error != null ? error.message() : null);
        return LlmException.of(kind, model, attempt, status, requestId, body, wait, detail, null, code,
                error == null ? null : error.param());
    }

    /**
     * A request that failed with an HTTP status, as the Batch API's output and error files report a
     * failed line ({@code response.status_code} and OpenAI's error object), classified as a real-time
     * response of that status would be.
     *
     * @param code    the error object's {@code code}, or {@code null}
     * @param type    the error object's {@code type}, or {@code null}
     * @param message the error object's {@code message}, or {@code null}
     */
    public static LlmException fromStatus(int status, String code, String type, String message, String requestId,
                                          String body, String model, int attempts, Redactor redactor) {
        String detail = message == null ? null : (code != null ? code + ": " : "") + message;
        return LlmException.of(kindOf(status, code, type), model, attempts, status, requestId, redactor.redact(body),
                null, redactor.redact(detail), null, code, null);
    }

    /**
     * A request that failed with one of Anthropic's error types, as a Message Batch's {@code errored} result reports
     * it ({@code {"type":"error","error":{"type":..,"message":..},"request_id":..}}, without an HTTP status):
     * classified as a real-time response of that type would be, so {@code invalid_request_error} is not retried and
     * {@code api_error} and {@code overloaded_error} are.
     *
     * @param type    the error's {@code type}, e.g. {@code overloaded_error}; or {@code null}
     * @param message the error's {@code message}, or {@code null}
     */
    public static LlmException fromAnthropicError(String type, String message, String requestId, String body,
                                                  String model, int attempts, Redactor redactor) {
        int status = AnthropicTransport.statusOf(type);
        String detail = message == null ? type : (type != null ? type + ": " : "") + message;
        return LlmException.of(AnthropicTransport.kindOf(status, type, message), model, attempts, status, requestId,
                redactor.redact(body), null, redactor.redact(detail), null, type, null);
    }

    private static ErrorKind kindOf(int status, String code, String type) {
        if (status == 429) {
            return "insufficient_quota".equals(code) || "insufficient_quota".equals(type)
                    ? ErrorKind.QUOTA_EXHAUSTED : ErrorKind.RATE_LIMITED;
        } else if (status == 401 || status == 403) {
            return ErrorKind.AUTHENTICATION;
        } else if (status == 408 || status == 409 || status >= 500) {
            return ErrorKind.SERVER_ERROR;
        }
        return ErrorKind.INVALID_REQUEST;
    }

    /** The error object of the body (its own message, which openai-java buries in a longer text); or {@code null}. */
    private static ErrorDetail errorDetail(OpenAIServiceException e) {
        try {
            // openai-java hands over the inner {"message", "type", "param", "code"} object as the body.
            return e.body().convert(ErrorDetail.class);
        } catch (RuntimeException notOpenAiShaped) {
            return null; // the body itself is kept on the exception
        }
    }

    /** openai-java throws, rather than answering empty, when an error body lacks a field. */
    private static String optional(Supplier<String> field) {
        try {
            return field.get();
        } catch (RuntimeException absent) {
            return null;
        }
    }

    /** A header's first value, or {@code null}. */
    public static String first(Headers headers, String name) {
        if (headers == null) {
            return null;
        }
        List<String> values = headers.values(name);
        return values.isEmpty() ? null : values.get(0);
    }

    /** OpenAI's error object. */
    @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = true)
    record ErrorDetail(String message, String type, String param, String code) {
    }
}
