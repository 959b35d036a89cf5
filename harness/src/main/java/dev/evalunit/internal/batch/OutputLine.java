package dev.evalunit.internal.batch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.openai.core.ObjectMappers;
import com.openai.models.chat.completions.ChatCompletion;
import dev.evalunit.Completion;
import dev.evalunit.LlmException;
import dev.evalunit.config.ModelPrice;
import dev.evalunit.internal.client.AnthropicWire;
import dev.evalunit.internal.client.ChatWire;
import dev.evalunit.internal.client.Failures;
import dev.evalunit.internal.client.Redactor;
import java.time.Duration;
import java.util.Optional;

/**
 * One line of what a batch gave back, in either provider's shape, so that the {@link Collector} reads both alike.
 * OpenAI's output and error files hold {@code BatchRequestOutput}s:
 *
 * <pre>{@code
 * {"id":"batch_req_1","custom_id":"...","response":{"status_code":200,"request_id":"req_1","body":{...chat completion...}},"error":null}
 * {"id":"batch_req_2","custom_id":"...","response":{"status_code":400,"request_id":"req_2","body":{"error":{"message":"...","type":"invalid_request_error","code":null}}},"error":null}
 * {"id":"batch_req_3","custom_id":"...","response":null,"error":{"code":"batch_expired","message":"This request could not be executed before the completion window expired."}}
 * }</pre>
 *
 * Anthropic's Message Batch results ({@code MessageBatchIndividualResponse}) are {@code succeeded} with a message,
 * {@code errored} with an error response and no HTTP status, or {@code expired} or {@code canceled}, read here as
 * OpenAI's {@value #EXPIRED} and {@value #CANCELLED} lines:
 *
 * <pre>{@code
 * {"custom_id":"...","result":{"type":"succeeded","message":{...message...}}}
 * {"custom_id":"...","result":{"type":"errored","error":{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"req_1"}}}
 * {"custom_id":"...","result":{"type":"expired"}}
 * }</pre>
 *
 * @param customId     the line's {@code custom_id}, as sent ({@link BatchLines#customId})
 * @param status       {@code response.status_code}, 200 for Anthropic's {@code succeeded}, or 0 when there was no
 *                     response (and for Anthropic's {@code errored}, which has no status)
 * @param requestId    {@code response.request_id}, the error's {@code request_id}, or {@code null}
 * @param body         {@code response.body}, Anthropic's message or error response, or {@code null}
 * @param errorCode    the code of the error: {@code error.code}, else the body's {@code error.code}; or {@code null}
 * @param errorType    the error's {@code type}, or {@code null}
 * @param errorMessage the message of the error, or {@code null}
 * @param anthropic    whether it is one of Anthropic's results
 */
record OutputLine(String customId, int status, String requestId, JsonNode body, String errorCode, String errorType,
                  String errorMessage, boolean anthropic) {

    /** The code of a line not run before the batch's 24 h window closed. */
    static final String EXPIRED = "batch_expired";
    /** The code of a line not run because the batch was cancelled. */
    static final String CANCELLED = "batch_cancelled";

    private static final JsonMapper MAPPER = ObjectMappers.jsonMapper();
    private static final JsonMapper ANTHROPIC = com.anthropic.core.ObjectMappers.jsonMapper();

    /** Parses one line; {@code null} when it is blank. */
    static OutputLine parse(String text) throws JsonProcessingException {
        if (text.isBlank()) {
            return null;
        }
        JsonNode n = MAPPER.readTree(text);
        if (n.path("result").isObject()) {
            return anthropic(n);
        }
        JsonNode response = n.path("response");
        JsonNode body = response.isObject() ? response.get("body") : null;
        JsonNode error = n.path("error");
        JsonNode bodyError = body == null ? null : body.get("error");
        String code = text(error, "code");
        if (code == null && bodyError != null) {
            code = text(bodyError, "code");
        }
        String message = text(error, "message");
        if (message == null && bodyError != null) {
            message = text(bodyError, "message");
        }
        return new OutputLine(text(n, "custom_id"), response.path("status_code").asInt(0), text(response, "request_id"),
                body, code, bodyError == null ? null : text(bodyError, "type"), message, false);
    }

    private static OutputLine anthropic(JsonNode n) {
        String id = text(n, "custom_id");
        JsonNode result = n.get("result");
        String type = String.valueOf(text(result, "type"));
        return switch (type) {
            case "succeeded" -> new OutputLine(id, 200, null, result.get("message"), null, null, null, true);
            case "errored" -> {
                JsonNode response = result.get("error");
                JsonNode error = response == null ? null : response.get("error");
                yield new OutputLine(id, 0, text(response, "request_id"), response, null, text(error, "type"),
                        text(error, "message"), true);
            }
            case "expired" -> new OutputLine(id, 0, null, null, EXPIRED, null,
                    "the request was not run before its Message Batch expired", true);
            case "canceled" -> new OutputLine(id, 0, null, null, CANCELLED, null,
                    "the request was not run: its Message Batch was canceled", true);
            default -> new OutputLine(id, 0, null, result, type, null, "a result of type " + type
                    + ", which this evalunit does not know", true);
        };
    }

    /** Whether the request was answered: a 200 with a body. */
    boolean succeeded() {
        return status == 200 && body != null && body.isObject() && !body.has("error");
    }

    /**
     * Whether the request ran and its provider answered it with an error (OpenAI's status, Anthropic's
     * {@code errored}), rather than not running it (expired, cancelled).
     */
    boolean errored() {
        return anthropic ? errorType != null && body != null : status > 0;
    }

    /**
     * The answer of a succeeded line, as the real-time path of its provider makes it, priced at the batch price.
     *
     * @throws JsonProcessingException when the body is not the provider's answer
     * @throws LlmException            when the answer has no text
     */
    Completion completion(String model, int attempts, Duration latency, Duration elapsed, Optional<ModelPrice> price)
            throws JsonProcessingException {
        if (anthropic) {
            com.anthropic.models.messages.Message message = ANTHROPIC.treeToValue(body,
                    com.anthropic.models.messages.Message.class);
            message.validate();
            return AnthropicWire.completion(message, model, requestId, 200, attempts, latency, elapsed, price, true);
        }
        return ChatWire.completion(MAPPER.treeToValue(body, ChatCompletion.class), model, requestId, 200, attempts,
                latency, elapsed, price, true);
    }

    /** The failure of an {@link #errored()} line, classified as a real-time answer of the same error would be. */
    LlmException failure(String model, int attempts, Redactor redactor) {
        String raw = body == null ? null : body.toString();
        if (anthropic) {
            return Failures.fromAnthropicError(errorType, errorMessage, requestId, raw, model, attempts, redactor);
        }
        return Failures.fromStatus(status, errorCode, errorType, errorMessage, requestId, raw, model, attempts,
                redactor);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
