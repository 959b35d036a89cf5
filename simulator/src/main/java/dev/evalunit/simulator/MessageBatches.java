package dev.evalunit.simulator;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.http.QueryParameter;
import com.github.tomakehurst.wiremock.http.Request;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Answers Anthropic's Message Batches API: {@code POST /v1/messages/batches}, {@code GET /v1/messages/batches}
 * ({@code limit}, {@code after_id}, {@code before_id}; newest first), {@code GET /v1/messages/batches/{id}},
 * {@code GET /v1/messages/batches/{id}/results} (JSONL, once the batch has ended),
 * {@code POST /v1/messages/batches/{id}/cancel} and {@code DELETE /v1/messages/batches/{id}} (an ended batch only).
 * The batch's shape is checked when it is created; each request's {@code params} are validated as
 * {@code POST /v1/messages} validates them when the batch runs, as Anthropic does, so a bad one ends
 * {@code errored} in the results rather than refusing the batch. Thread-safe; the batches live in
 * {@link SimulatorState#messageBatches()}.
 */
final class MessageBatches {

    private static final String PREFIX = "/v1/messages/batches";
    private static final Pattern CUSTOM_ID = Pattern.compile("[a-zA-Z0-9_-]{1,64}");

    private final SimulatorState state;
    private final Messages messages;

    MessageBatches(SimulatorState state, Messages messages) {
        this.state = state;
        this.messages = messages;
    }

    /** The response, or {@code null} when the method and path are not a Message Batches endpoint. */
    SimResponse handle(String method, String path, Request request, byte[] body, long now) {
        if (path.equals(PREFIX)) {
            return switch (method) {
                case "POST" -> create(body, request, now);
                case "GET" -> list(request, now);
                default -> null;
            };
        }
        if (!path.startsWith(PREFIX + "/")) {
            return null;
        }
        String[] rest = path.substring(PREFIX.length() + 1).split("/", -1);
        String action = rest.length == 2 ? rest[1] : "";
        boolean known = switch (action) {
            case "" -> method.equals("GET") || method.equals("DELETE");
            case "cancel" -> method.equals("POST");
            case "results" -> method.equals("GET");
            default -> false;
        };
        if (rest.length > 2 || rest[0].isEmpty() || !known) {
            return null;
        }
        SimMessageBatch batch = state.messageBatches().get(rest[0]);
        if (batch == null) {
            return AnthropicFormat.error(404, "not_found_error", "message_batch_id: no batch " + rest[0]);
        }
        String base = base(request);
        return switch (action) {
            case "cancel" -> {
                batch.cancel(now);
                yield json(batch.at(now), base);
            }
            case "results" -> {
                byte[] results = batch.results(now);
                yield results == null ? AnthropicFormat.invalid("Batch " + batch.id + " has not ended yet: its "
                        + "results can be read once its processing_status is ended.")
                        : AnthropicFormat.ok(results).header("content-type", "application/x-jsonl");
            }
            default -> method.equals("DELETE") ? delete(batch, now) : json(batch.at(now), base);
        };
    }

    private SimResponse create(byte[] body, Request request, long now) {
        SimulatorOptions options = state.options();
        BatchOptions limits = options.batch();
        if (body != null && body.length > limits.maxFileBytes()) {
            return AnthropicFormat.error(413, "request_too_large", "Request exceeds the maximum allowed number of "
                    + "bytes (" + limits.maxFileBytes() + ").");
        }
        List<SimMessageBatch.Entry> entries;
        try {
            entries = entries(body, limits.maxRequests());
        } catch (MessagesBody.Invalid invalid) {
            return AnthropicFormat.invalid(invalid.getMessage());
        }
        if (options.insufficientQuota()) {
            return Messages.creditBalanceTooLow();
        }
        SimMessageBatch batch = state.messageBatches().create(entries, options, now, state.epochOffsetNanos());
        return json(batch.at(now), base(request));
    }

    /** The batch's requests; {@code params} that {@code POST /v1/messages} refuses make an entry that will error. */
    private static List<SimMessageBatch.Entry> entries(byte[] body, int maxRequests) throws MessagesBody.Invalid {
        JsonNode root = OpenAiFormat.object(body);
        if (root == null) {
            throw new MessagesBody.Invalid("There was an error parsing the body of your request: it must be a JSON "
                    + "object.");
        }
        JsonNode requests = root.get("requests");
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            if (!field.getKey().equals("requests")) {
                throw new MessagesBody.Invalid(field.getKey() + ": Extra inputs are not permitted");
            }
        }
        if (requests == null || requests.isNull()) {
            throw new MessagesBody.Invalid("requests: Field required");
        }
        if (!requests.isArray()) {
            throw new MessagesBody.Invalid("requests: Input should be a valid list");
        }
        if (requests.isEmpty() || requests.size() > maxRequests) {
            throw new MessagesBody.Invalid("requests: List should have at least 1 item and at most " + maxRequests
                    + " items after validation, not " + requests.size());
        }
        List<SimMessageBatch.Entry> entries = new ArrayList<>(requests.size());
        Set<String> customIds = new HashSet<>();
        for (int i = 0; i < requests.size(); i++) {
            String param = "requests." + i;
            JsonNode request = requests.get(i);
            if (!request.isObject()) {
                throw new MessagesBody.Invalid(param + ": Input should be a valid dictionary");
            }
            for (Map.Entry<String, JsonNode> field : request.properties()) {
                if (!field.getKey().equals("custom_id") && !field.getKey().equals("params")) {
                    throw new MessagesBody.Invalid(param + "." + field.getKey() + ": Extra inputs are not permitted");
                }
            }
            JsonNode customId = request.get("custom_id");
            if (customId == null || !customId.isTextual() || !CUSTOM_ID.matcher(customId.asText()).matches()) {
                throw new MessagesBody.Invalid(param + ".custom_id: String should match pattern "
                        + "'^[a-zA-Z0-9_-]{1,64}$'");
            }
            if (!customIds.add(customId.asText())) {
                throw new MessagesBody.Invalid("requests: custom_id '" + customId.asText() + "' is used more than "
                        + "once; each request of a batch needs a custom_id of its own");
            }
            JsonNode params = request.get("params");
            if (params == null || !params.isObject()) {
                throw new MessagesBody.Invalid(param + ".params: Input should be a valid dictionary");
            }
            try {
                entries.add(new SimMessageBatch.Entry(customId.asText(), MessagesBody.parse(params), null));
            } catch (MessagesBody.Invalid invalid) {
                entries.add(new SimMessageBatch.Entry(customId.asText(), null, invalid.getMessage()));
            }
        }
        return entries;
    }

    private SimResponse list(Request request, long now) {
        int limit;
        try {
            String text = query(request, "limit");
            limit = text == null ? 20 : Integer.parseInt(text);
        } catch (NumberFormatException e) {
            limit = -1;
        }
        if (limit < 1 || limit > 1000) {
            return AnthropicFormat.invalid("limit: Input should be an integer from 1 to 1000");
        }
        List<SimMessageBatch.Snapshot> all = new ArrayList<>();
        for (SimMessageBatch batch : state.messageBatches().oldestFirst()) {
            all.add(batch.at(now));
        }
        Collections.reverse(all);
        String afterId = query(request, "after_id");
        String beforeId = query(request, "before_id");
        int from = 0;
        int to = all.size();
        if (afterId != null) {
            from = indexOf(all, afterId) + 1;
            to = Math.min(all.size(), from + limit);
        } else if (beforeId != null) {
            to = Math.max(0, indexOf(all, beforeId));
            from = Math.max(0, to - limit);
        } else {
            to = Math.min(all.size(), limit);
        }
        List<SimMessageBatch.Snapshot> page = from >= to ? List.of() : all.subList(from, to);
        boolean hasMore = beforeId != null ? from > 0 : to < all.size();
        String base = base(request);
        return AnthropicFormat.ok(OpenAiFormat.write(json -> {
            json.writeStartObject();
            json.writeArrayFieldStart("data");
            for (SimMessageBatch.Snapshot batch : page) {
                write(json, batch, base);
            }
            json.writeEndArray();
            json.writeBooleanField("has_more", hasMore);
            json.writeStringField("first_id", page.isEmpty() ? null : page.get(0).id());
            json.writeStringField("last_id", page.isEmpty() ? null : page.get(page.size() - 1).id());
            json.writeEndObject();
        }));
    }

    private SimResponse delete(SimMessageBatch batch, long now) {
        if (batch.at(now).status() != SimMessageBatch.Status.ENDED) {
            return AnthropicFormat.invalid("Batch " + batch.id + " is still being processed and cannot be deleted; "
                    + "cancel it first.");
        }
        state.messageBatches().remove(batch.id);
        return AnthropicFormat.ok(OpenAiFormat.write(json -> {
            json.writeStartObject();
            json.writeStringField("id", batch.id);
            json.writeStringField("type", "message_batch_deleted");
            json.writeEndObject();
        }));
    }

    private static int indexOf(List<SimMessageBatch.Snapshot> batches, String id) {
        for (int i = 0; i < batches.size(); i++) {
            if (batches.get(i).id().equals(id)) {
                return i;
            }
        }
        return batches.size();
    }

    private static SimResponse json(SimMessageBatch.Snapshot batch, String base) {
        return AnthropicFormat.ok(OpenAiFormat.write(json -> write(json, batch, base)));
    }

    /**
     * Anthropic's {@code MessageBatch}; its {@code results_url} is on this server ({@code base}), once it has ended.
     */
    private static void write(JsonGenerator json, SimMessageBatch.Snapshot batch, String base) throws IOException {
        boolean ended = batch.status() == SimMessageBatch.Status.ENDED;
        json.writeStartObject();
        json.writeStringField("id", batch.id());
        json.writeStringField("type", "message_batch");
        json.writeStringField("processing_status", batch.status().wireName());
        json.writeObjectFieldStart("request_counts");
        json.writeNumberField("processing", batch.processing());
        json.writeNumberField("succeeded", batch.succeeded());
        json.writeNumberField("errored", batch.errored());
        json.writeNumberField("canceled", batch.canceled());
        json.writeNumberField("expired", batch.expired());
        json.writeEndObject();
        json.writeStringField("ended_at", batch.endedAt() == null ? null : AnthropicFormat.instant(batch.endedAt()));
        json.writeStringField("created_at", AnthropicFormat.instant(batch.createdAt()));
        json.writeStringField("expires_at", AnthropicFormat.instant(batch.expiresAt()));
        json.writeNullField("archived_at");
        json.writeStringField("cancel_initiated_at", batch.cancelInitiatedAt() == null ? null
                : AnthropicFormat.instant(batch.cancelInitiatedAt()));
        json.writeStringField("results_url", ended ? base + PREFIX + "/" + batch.id() + "/results" : null);
        json.writeEndObject();
    }

    /** The server's own address, as the client reached it: {@code http://127.0.0.1:43121}. */
    private static String base(Request request) {
        URI uri = URI.create(request.getAbsoluteUrl());
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }

    private static String query(Request request, String name) {
        QueryParameter parameter = request.queryParameter(name);
        return parameter == null || !parameter.isPresent() ? null : parameter.firstValue();
    }
}
