package dev.evalunit.simulator;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Set;

/**
 * How Anthropic's API writes its answers, errors, identifiers and times: the {@code Message} object of
 * {@code POST /v1/messages}, the error body {@code {"type":"error","error":{"type":..,"message":..},"request_id":..}}
 * with the same id in the {@code request-id} header, and RFC 3339 instants. Written with Jackson's generator, as
 * {@link CompletionBody} writes OpenAI's, so the simulator needs no Anthropic library. Stateless and thread-safe.
 */
final class AnthropicFormat {

    static final String CREDIT_BALANCE_MESSAGE = "Your credit balance is too low to access the Anthropic API. Please go "
            + "to Plans & Billing to upgrade or purchase credits.";
    static final String OVERLOADED_MESSAGE = "Overloaded";
    static final String API_ERROR_MESSAGE = "Internal server error";
    static final String ORGANIZATION = "org-simulator";

    /** Anthropic's error types, as its error bodies name them. */
    private static final Set<String> ERROR_TYPES = Set.of("invalid_request_error", "authentication_error",
            "billing_error", "permission_error", "not_found_error", "request_too_large", "rate_limit_error",
            "api_error", "timeout_error", "overloaded_error");

    /** One answer before it is written: its text, why it stopped, and its token counts. */
    record Answer(String text, String stopReason, String stopSequence, int inputTokens, int outputTokens) {
    }

    private AnthropicFormat() {
    }

    /** {@code msg_01} and 22 letters and digits, like Anthropic's message ids. */
    static String messageId() {
        return "msg_01" + Ids.random(22);
    }

    /** {@code req_011C} and 20 letters and digits, like Anthropic's {@code request-id}. */
    static String requestId() {
        return "req_011C" + Ids.random(20);
    }

    /** {@code msgbatch_01} and 22 letters and digits, like Anthropic's message batch ids. */
    static String batchId() {
        return "msgbatch_01" + Ids.random(22);
    }

    /** A 200 answer of Anthropic's API. */
    static SimResponse ok(byte[] body) {
        SimResponse response = new SimResponse(200, body).header("request-id", requestId());
        response.anthropic = true;
        return response;
    }

    /** An error answer of Anthropic's API, its {@code request_id} the same as its {@code request-id} header. */
    static SimResponse error(int status, String type, String message) {
        String requestId = requestId();
        SimResponse response = new SimResponse(status, OpenAiFormat.write(json -> writeError(json, type, message,
                requestId))).header("request-id", requestId);
        response.anthropic = true;
        return response;
    }

    /** 400 {@code invalid_request_error}, the answer to every request Anthropic's validation refuses. */
    static SimResponse invalid(String message) {
        return error(400, "invalid_request_error", message);
    }

    /** Anthropic's {@code ErrorResponse}: {@code {"type":"error","error":{..},"request_id":..}}. */
    static void writeError(JsonGenerator json, String type, String message, String requestId) throws IOException {
        json.writeStartObject();
        json.writeStringField("type", "error");
        json.writeObjectFieldStart("error");
        json.writeStringField("type", type);
        json.writeStringField("message", message);
        json.writeEndObject();
        json.writeStringField("request_id", requestId);
        json.writeEndObject();
    }

    /**
     * The error type of a failure scripted with {@link OpenAiSimulator#failNext}: {@code code} itself when it is
     * one of Anthropic's types ({@code overloaded_error}, ...), else the type Anthropic sends with {@code status}.
     */
    static String errorType(int status, String code) {
        if (code != null && ERROR_TYPES.contains(code)) {
            return code;
        }
        return switch (status) {
            case 401 -> "authentication_error";
            case 402 -> "billing_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 504 -> "timeout_error";
            case 529 -> "overloaded_error";
            default -> status >= 500 ? "api_error" : "invalid_request_error";
        };
    }

    /** The message Anthropic sends with an error of {@code type}, for scripted failures. */
    static String errorMessage(String type) {
        return switch (type) {
            case "overloaded_error" -> OVERLOADED_MESSAGE;
            case "api_error" -> API_ERROR_MESSAGE;
            case "rate_limit_error" -> "Number of request tokens has exceeded your per-minute rate limit "
                    + "(https://docs.claude.com/en/api/rate-limits); see the response headers for current usage. "
                    + "Please reduce the prompt length or the maximum tokens requested, or try again later.";
            case "authentication_error" -> "invalid x-api-key";
            case "billing_error" -> "There is an issue with your account's billing.";
            case "timeout_error" -> "Request timed out";
            default -> "The simulator was told to fail this request with " + type + ".";
        };
    }

    /** The {@code Message} body of one answer. */
    static byte[] message(String id, String model, Answer answer) {
        return OpenAiFormat.write(json -> writeMessage(json, id, model, answer));
    }

    /**
     * Writes Anthropic's {@code Message}: one text block, its {@code stop_reason} ({@code end_turn},
     * {@code max_tokens} or {@code stop_sequence}) and its usage, with nothing read from or written to a cache.
     */
    static void writeMessage(JsonGenerator json, String id, String model, Answer answer) throws IOException {
        json.writeStartObject();
        json.writeStringField("id", id);
        json.writeStringField("type", "message");
        json.writeStringField("role", "assistant");
        json.writeStringField("model", model);
        json.writeArrayFieldStart("content");
        json.writeStartObject();
        json.writeStringField("type", "text");
        json.writeStringField("text", answer.text());
        json.writeEndObject();
        json.writeEndArray();
        json.writeStringField("stop_reason", answer.stopReason());
        json.writeStringField("stop_sequence", answer.stopSequence());
        json.writeObjectFieldStart("usage");
        json.writeNumberField("input_tokens", answer.inputTokens());
        json.writeNumberField("cache_creation_input_tokens", 0);
        json.writeNumberField("cache_read_input_tokens", 0);
        json.writeObjectFieldStart("cache_creation");
        json.writeNumberField("ephemeral_5m_input_tokens", 0);
        json.writeNumberField("ephemeral_1h_input_tokens", 0);
        json.writeEndObject();
        json.writeNumberField("output_tokens", answer.outputTokens());
        json.writeStringField("service_tier", "standard");
        json.writeEndObject();
        json.writeEndObject();
    }

    /**
     * The instant {@code unixNanos} (Unix time in nanoseconds) in RFC 3339, UTC, rounded up to the millisecond as a
     * reset time must be (a client that waits until the rounded-down time would be refused again):
     * {@code 2026-12-07T10:00:01.200Z}.
     */
    static String instant(long unixNanos) {
        long millis = Math.floorDiv(unixNanos + 999_999, 1_000_000);
        return DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(millis));
    }
}
