package dev.evalunit.internal.batch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.openai.core.ObjectMappers;
import com.openai.models.chat.completions.ChatCompletion;

/**
 * One line of a batch's output or error file ({@code BatchRequestOutput}):
 *
 * <pre>{@code
 * {"id":"batch_req_1","custom_id":"...","response":{"status_code":200,"request_id":"req_1","body":{...chat completion...}},"error":null}
 * {"id":"batch_req_2","custom_id":"...","response":{"status_code":400,"request_id":"req_2","body":{"error":{"message":"...","type":"invalid_request_error","code":null}}},"error":null}
 * {"id":"batch_req_3","custom_id":"...","response":null,"error":{"code":"batch_expired","message":"This request could not be executed before the completion window expired."}}
 * }</pre>
 *
 * @param customId     the line's {@code custom_id}
 * @param status       {@code response.status_code}, or 0 when there was no response
 * @param requestId    {@code response.request_id}, or {@code null}
 * @param body         {@code response.body}, or {@code null}
 * @param errorCode    the code of the error: {@code error.code}, else the body's {@code error.code}; or {@code null}
 * @param errorType    the body's {@code error.type}, or {@code null}
 * @param errorMessage the message of the error, or {@code null}
 */
record OutputLine(String customId, int status, String requestId, JsonNode body, String errorCode, String errorType,
                  String errorMessage) {

    /** The code of a line not run before the batch's 24 h window closed. */
    static final String EXPIRED = "batch_expired";
    /** The code of a line not run because the batch was cancelled. */
    static final String CANCELLED = "batch_cancelled";

    private static final JsonMapper MAPPER = ObjectMappers.jsonMapper();

    /** Parses one line; {@code null} when it is blank. */
    static OutputLine parse(String text) throws JsonProcessingException {
        if (text.isBlank()) {
            return null;
        }
        JsonNode n = MAPPER.readTree(text);
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
                body, code, bodyError == null ? null : text(bodyError, "type"), message);
    }

    /** Whether the request was answered: a 200 with a body. */
    boolean succeeded() {
        return status == 200 && body != null && body.isObject() && !body.has("error");
    }

    /** The answer of a succeeded line. */
    ChatCompletion completion() throws JsonProcessingException {
        return MAPPER.treeToValue(body, ChatCompletion.class);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
