package dev.evalunit.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.http.Request;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Answers the Batch API: {@code POST /v1/batches}, {@code GET /v1/batches}, {@code GET /v1/batches/{id}}
 * and {@code POST /v1/batches/{id}/cancel}, for {@code /v1/chat/completions} batches. Thread-safe; the
 * batches live in {@link SimulatorState#batches()}.
 */
final class BatchesEndpoint {

    private static final String CHAT = "/v1/chat/completions";
    private static final Set<String> OPENAI_ENDPOINTS = Set.of("/v1/responses", CHAT, "/v1/embeddings",
            "/v1/completions");

    private final SimulatorState state;

    BatchesEndpoint(SimulatorState state) {
        this.state = state;
    }

    /** The response, or {@code null} when the method and path are not a Batch endpoint. */
    SimResponse handle(String method, String path, Request request, byte[] body, long now) {
        if (path.equals("/v1/batches")) {
            return switch (method) {
                case "POST" -> create(body, now);
                case "GET" -> list(request, now);
                default -> null;
            };
        }
        String rest = path.substring("/v1/batches/".length());
        boolean cancel = rest.endsWith("/cancel");
        String id = cancel ? rest.substring(0, rest.length() - "/cancel".length()) : rest;
        if (id.isEmpty() || id.indexOf('/') >= 0 || !method.equals(cancel ? "POST" : "GET")) {
            return null;
        }
        SimBatch batch = state.batches().get(id);
        if (batch == null) {
            return SimResponse.error(404, "No batch found with id '" + id + "'.", "invalid_request_error", "batch_id",
                    null);
        }
        if (cancel && !batch.cancel(now)) {
            return SimResponse.error(409, "Cannot cancel a batch with status '" + batch.at(now).status().wireName()
                    + "'.", "invalid_request_error", null, null);
        }
        return json(batch.at(now));
    }

    private SimResponse create(byte[] body, long now) {
        SimulatorOptions options = state.options();
        JsonNode root = OpenAiFormat.object(body);
        if (root == null) {
            return SimResponse.error(400, "We could not parse the JSON body of your request. The OpenAI API expects "
                    + "a JSON payload.", "invalid_request_error", null, null);
        }
        SimResponse invalid = requireText(root, "input_file_id");
        invalid = invalid != null ? invalid : requireText(root, "endpoint");
        invalid = invalid != null ? invalid : requireText(root, "completion_window");
        if (invalid != null) {
            return invalid;
        }
        String endpoint = root.get("endpoint").asText();
        if (!OPENAI_ENDPOINTS.contains(endpoint)) {
            return SimResponse.error(400, "Invalid value: '" + endpoint + "'. Supported values are: '/v1/responses', "
                    + "'/v1/chat/completions', '/v1/embeddings', and '/v1/completions'.", "invalid_request_error",
                    "endpoint", "invalid_value");
        }
        if (!endpoint.equals(CHAT)) {
            return SimResponse.error(400, "The simulator runs only " + CHAT + " batches, not " + endpoint + ".",
                    "invalid_request_error", "endpoint", "invalid_value");
        }
        String window = root.get("completion_window").asText();
        if (!window.equals("24h")) {
            return SimResponse.error(400, "Invalid value: '" + window + "'. Supported values are: '24h'.",
                    "invalid_request_error", "completion_window", "invalid_value");
        }
        Map<String, String> metadata;
        try {
            metadata = metadata(root.get("metadata"));
        } catch (SimResponse.Refused e) {
            return e.response();
        }
        if (options.insufficientQuota()) {
            return ChatCompletions.quotaExceeded();
        }
        String fileId = root.get("input_file_id").asText();
        FileStore.StoredFile file = state.files().get(fileId);
        if (file == null) {
            return SimResponse.error(404, "No such File object: " + fileId, "invalid_request_error", "input_file_id",
                    null);
        }
        if (!file.purpose().equals("batch")) {
            return SimResponse.error(400, "Invalid 'input_file_id': " + fileId + " has purpose '" + file.purpose()
                    + "', but a batch's input file must be uploaded with purpose 'batch'.", "invalid_request_error",
                    "input_file_id", "invalid_value");
        }
        SimBatch batch = state.batches().create(file, endpoint, metadata, options, now, state.epochOffsetNanos());
        return json(batch.atCreation());
    }

    private SimResponse list(Request request, long now) {
        Query query = new Query(request);
        Integer limit;
        try {
            limit = query.integer("limit", 1, 100);
        } catch (SimResponse.Refused invalid) {
            return invalid.response();
        }
        List<SimBatch.Snapshot> batches = new ArrayList<>();
        for (SimBatch batch : state.batches().oldestFirst()) {
            batches.add(batch.at(now));
        }
        Collections.reverse(batches);
        return Query.page(batches, SimBatch.Snapshot::id, query.text("after"), limit == null ? 20 : limit,
                BatchJson::write);
    }

    private static SimResponse json(SimBatch.Snapshot batch) {
        return new SimResponse(200, BatchJson.batch(batch)).model(batch.model());
    }

    private static SimResponse requireText(JsonNode root, String name) {
        JsonNode node = root.get(name);
        if (node == null || node.isNull()) {
            return SimResponse.error(400, "Missing required parameter: '" + name + "'.", "invalid_request_error", name,
                    "missing_required_parameter");
        }
        if (!node.isTextual()) {
            return SimResponse.error(400, "Invalid type for '" + name + "': expected a string, but got " + node
                    + " instead.", "invalid_request_error", name, "invalid_type");
        }
        return null;
    }

    /** OpenAI's metadata: at most 16 string pairs, keys up to 64 characters, values up to 512. */
    private static Map<String, String> metadata(JsonNode node) throws SimResponse.Refused {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject() || node.size() > 16) {
            throw new SimResponse.Refused(SimResponse.error(400, "Invalid 'metadata': expected an object of at most 16 "
                    + "key-value pairs.", "invalid_request_error", "metadata", "invalid_type"));
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            String key = field.getKey();
            JsonNode value = field.getValue();
            if (key.length() > 64 || !value.isTextual() || value.asText().length() > 512) {
                throw new SimResponse.Refused(SimResponse.error(400, "Invalid 'metadata." + key + "': keys must be strings "
                        + "of at most 64 characters and values strings of at most 512 characters.",
                        "invalid_request_error", "metadata." + key, "invalid_value"));
            }
            metadata.put(key, value.asText());
        }
        return Collections.unmodifiableMap(metadata);
    }
}
