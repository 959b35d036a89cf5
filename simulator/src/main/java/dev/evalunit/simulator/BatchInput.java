package dev.evalunit.simulator;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A batch's input file read and validated as OpenAI does: every line a JSON object {@code {custom_id,
 * method: "POST", url, body}}, custom ids unique, every url the batch's endpoint, one model, at most
 * {@link BatchOptions#maxRequests()} lines and {@link BatchOptions#maxFileBytes()} bytes. Any of those
 * broken fails the whole batch with {@link #errors()}; a body the chat endpoint would refuse is not a
 * validation error but a request that fails with 400 into the error file, as on OpenAI. Immutable.
 *
 * @param requests the requests in file order, empty when there are errors
 * @param errors   the validation errors, each naming its line where there is one; at most {@value #MAX_ERRORS}
 * @param model    the model of the requests, or {@code null} when none names one
 */
record BatchInput(List<Request> requests, List<Error> errors, String model) {

    static final int MAX_ERRORS = 100;
    // A line is one JSON value: "{...} junk" is as unparseable as "{...".
    private static final ObjectReader LINE_READER = OpenAiFormat.JSON.reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** One request of the batch: its line number (from 1) and its body, or why the chat endpoint refuses it. */
    record Request(int line, String customId, ChatBody body, ChatBody.Invalid invalid) {
    }

    /** One entry of a failed batch's {@code errors.data}. */
    record Error(String code, String message, String param, Integer line) {
    }

    static BatchInput read(byte[] content, String endpoint, BatchOptions options) {
        if (content.length > options.maxFileBytes()) {
            return failed(new Error("file_too_large", "The input file is " + content.length + " bytes, more than the "
                    + options.maxFileBytes() + " bytes a batch may hold. Split it into smaller batches.",
                    "input_file_id", null));
        }
        List<Request> requests = new ArrayList<>();
        List<Error> errors = new ArrayList<>();
        Set<String> customIds = new HashSet<>();
        String model = null;
        String text = new String(content, StandardCharsets.UTF_8);
        int lineNumber = 0;
        int start = 0;
        while (start < text.length() && errors.size() < MAX_ERRORS) {
            int end = text.indexOf('\n', start);
            String line = text.substring(start, end < 0 ? text.length() : end).strip();
            start = end < 0 ? text.length() : end + 1;
            lineNumber++;
            if (line.isEmpty()) {
                continue;
            }
            // Lines with errors count towards the limit too: the file holds that many requests either way.
            if (requests.size() + errors.size() >= options.maxRequests()) {
                errors.add(new Error("too_many_tasks", "The batch input file has more than the maximum of "
                        + options.maxRequests() + " requests. Split it into smaller batches.", null, lineNumber));
                break;
            }
            JsonNode root = json(line);
            if (root == null || !root.isObject()) {
                errors.add(new Error("invalid_json_line", "This line is not parseable as valid JSON.", null, lineNumber));
                continue;
            }
            JsonNode customId = root.get("custom_id");
            JsonNode method = root.get("method");
            JsonNode url = root.get("url");
            JsonNode body = root.get("body");
            Error error = null;
            if (customId == null || !customId.isTextual() || customId.asText().isEmpty()) {
                error = missing("custom_id", lineNumber);
            } else if (method == null || !method.isTextual()) {
                error = missing("method", lineNumber);
            } else if (!method.asText().equals("POST")) {
                error = new Error("invalid_value", "Invalid value: '" + method.asText()
                        + "'. Supported values are: 'POST'.", "method", lineNumber);
            } else if (url == null || !url.isTextual()) {
                error = missing("url", lineNumber);
            } else if (!url.asText().equals(endpoint)) {
                error = new Error("url_mismatch", "The URL provided for this request ('" + url.asText()
                        + "') does not match the batch's endpoint ('" + endpoint + "').", "url", lineNumber);
            } else if (body == null || !body.isObject()) {
                error = missing("body", lineNumber);
            } else if (!customIds.add(customId.asText())) {
                error = new Error("duplicate_custom_id", "The custom_id '" + customId.asText() + "' is a duplicate of "
                        + "another request's. The custom_id parameter must be unique for each request in a batch.",
                        "custom_id", lineNumber);
            } else if (body.path("model").isTextual()) {
                String lineModel = body.get("model").asText();
                if (model == null) {
                    model = lineModel;
                } else if (!model.equals(lineModel)) {
                    error = new Error("model_mismatch", "The model '" + lineModel + "' does not match the model of the "
                            + "other requests in this batch ('" + model + "'). All requests in a batch must use the same "
                            + "model.", "body.model", lineNumber);
                }
            }
            if (error != null) {
                errors.add(error);
                continue;
            }
            requests.add(request(lineNumber, customId.asText(), body));
        }
        if (errors.isEmpty() && requests.isEmpty()) {
            errors.add(new Error("empty_file", "The batch input file is empty. Please ensure that the batch contains at "
                    + "least one request.", null, null));
        }
        return errors.isEmpty() ? new BatchInput(List.copyOf(requests), List.of(), model)
                : new BatchInput(List.of(), List.copyOf(errors), model);
    }

    private static BatchInput failed(Error error) {
        return new BatchInput(List.of(), List.of(error), null);
    }

    private static Request request(int line, String customId, JsonNode body) {
        try {
            return new Request(line, customId, ChatBody.parse(body), null);
        } catch (ChatBody.Invalid invalid) {
            return new Request(line, customId, null, invalid);
        }
    }

    private static Error missing(String param, int line) {
        return new Error("missing_required_parameter", "Missing required parameter: '" + param + "'.", param, line);
    }

    private static JsonNode json(String line) {
        try {
            return LINE_READER.readTree(line);
        } catch (IOException e) {
            return null;
        }
    }
}
