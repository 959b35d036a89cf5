package dev.evalunit.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.evalunit.simulator.SimulatedRequest.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A parsed {@code POST /v1/messages} body (or the {@code params} of one request of a message batch), validated as
 * Anthropic validates it, with Anthropic's messages ({@code max_tokens: Field required},
 * {@code n: Extra inputs are not permitted}, ...). The system prompt (a string or a list of text blocks) becomes the
 * request's first message, as the answerers see a chat request's system message; the messages' content is a string
 * or a list of blocks whose text blocks are joined. Immutable.
 *
 * @param request           what the answerers see: the model, the system prompt and messages, the temperature and
 *                          {@code max_tokens}; one choice, no seed (Anthropic has neither)
 * @param stopSequences     the {@code stop_sequences}, empty when none
 * @param samplingParameter the first of {@code temperature}, {@code top_p} and {@code top_k} the request sets, or
 *                          {@code null}: models from Claude Opus 4.7 on refuse any of them
 * @param inputTokens       the input tokens, counted by {@link PromptTokens} with the system prompt as the first
 *                          message
 */
record MessagesBody(SimulatedRequest request, List<String> stopSequences, String samplingParameter, int inputTokens) {

    /** The top-level fields of Anthropic's {@code MessageCreateParams}; any other is refused as an extra input. */
    private static final Set<String> FIELDS = Set.of("model", "messages", "max_tokens", "system", "temperature",
            "top_p", "top_k", "stop_sequences", "stream", "metadata", "tools", "tool_choice", "thinking",
            "service_tier", "container", "cache_control", "diagnostics", "inference_geo", "output_config",
            "output_format", "speed", "mcp_servers", "context_management");

    /** A body Anthropic would refuse with 400 {@code invalid_request_error}; the message is Anthropic's. */
    static final class Invalid extends Exception {
        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    String model() {
        return request.model();
    }

    int maxTokens() {
        return request.maxTokens();
    }

    static MessagesBody parse(byte[] body) throws Invalid {
        JsonNode root = OpenAiFormat.object(body);
        if (root == null) {
            throw new Invalid("There was an error parsing the body of your request: it must be a JSON object.");
        }
        return parse(root);
    }

    /** Validates a body already parsed, such as the {@code params} of a message batch's request. */
    static MessagesBody parse(JsonNode root) throws Invalid {
        if (!root.isObject()) {
            throw new Invalid("Input should be a valid dictionary");
        }
        JsonNode model = required(root, "model");
        if (!model.isTextual()) {
            throw new Invalid("model: Input should be a valid string");
        }
        if (model.asText().isEmpty()) {
            throw new Invalid("model: String should have at least 1 character");
        }
        JsonNode messages = required(root, "messages");
        JsonNode maxTokens = required(root, "max_tokens");
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            if (!FIELDS.contains(field.getKey())) {
                throw new Invalid(field.getKey() + ": Extra inputs are not permitted");
            }
        }
        if (!maxTokens.canConvertToInt() || !maxTokens.isIntegralNumber()) {
            throw new Invalid("max_tokens: Input should be a valid integer");
        }
        if (maxTokens.asInt() < 1) {
            throw new Invalid("max_tokens: Input should be greater than or equal to 1");
        }
        if (!messages.isArray()) {
            throw new Invalid("messages: Input should be a valid list");
        }
        if (messages.isEmpty()) {
            throw new Invalid("messages: at least one message is required");
        }
        List<Message> parsed = new ArrayList<>(messages.size() + 1);
        String system = system(root.get("system"));
        if (!system.isEmpty()) {
            parsed.add(new Message(Message.Role.SYSTEM, system));
        }
        for (int i = 0; i < messages.size(); i++) {
            parsed.add(message(messages.get(i), "messages." + i));
        }
        Double temperature = number(root, "temperature", 0, 1);
        number(root, "top_p", 0, 1);
        JsonNode topK = root.get("top_k");
        if (topK != null && !topK.isNull() && (!topK.isIntegralNumber() || topK.asLong() < 0)) {
            throw new Invalid("top_k: Input should be a valid integer greater than or equal to 0");
        }
        if (root.path("stream").asBoolean(false)) {
            throw new Invalid("stream: the simulator answers whole messages only; it does not stream");
        }
        String sampling = null;
        for (String name : List.of("temperature", "top_p", "top_k")) {
            if (sampling == null && root.hasNonNull(name)) {
                sampling = name;
            }
        }
        SimulatedRequest request = new SimulatedRequest(model.asText(), parsed, temperature, null, 1,
                maxTokens.asInt());
        return new MessagesBody(request, stopSequences(root.get("stop_sequences")), sampling,
                PromptTokens.count(model.asText(), counted(system, (ArrayNode) messages)));
    }

    private static JsonNode required(JsonNode root, String name) throws Invalid {
        JsonNode node = root.get(name);
        if (node == null || node.isNull()) {
            throw new Invalid(name + ": Field required");
        }
        return node;
    }

    private static String system(JsonNode system) throws Invalid {
        if (system == null || system.isNull()) {
            return "";
        }
        if (system.isTextual()) {
            return system.asText();
        }
        if (!system.isArray()) {
            throw new Invalid("system: Input should be a valid string");
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < system.size(); i++) {
            JsonNode block = system.get(i);
            if (!"text".equals(block.path("type").asText()) || !block.path("text").isTextual()) {
                throw new Invalid("system." + i + ": Input should be a text block ({\"type\":\"text\",\"text\":...})");
            }
            text.append(block.get("text").asText());
        }
        return text.toString();
    }

    private static Message message(JsonNode node, String param) throws Invalid {
        if (!node.isObject()) {
            throw new Invalid(param + ": Input should be a valid dictionary");
        }
        Message.Role role = switch (node.path("role").asText("")) {
            case "user" -> Message.Role.USER;
            case "assistant" -> Message.Role.ASSISTANT;
            default -> throw new Invalid(param + ".role: Input should be 'user' or 'assistant'");
        };
        JsonNode content = node.get("content");
        if (content == null || content.isNull()) {
            throw new Invalid(param + ".content: Field required");
        }
        if (content.isTextual()) {
            return new Message(role, content.asText());
        }
        if (!content.isArray()) {
            throw new Invalid(param + ".content: Input should be a valid string or a list of content blocks");
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < content.size(); i++) {
            JsonNode block = content.get(i);
            if (!block.isObject() || !block.path("type").isTextual()) {
                throw new Invalid(param + ".content." + i + ".type: Field required");
            }
            if ("text".equals(block.get("type").asText())) {
                if (!block.path("text").isTextual()) {
                    throw new Invalid(param + ".content." + i + ".text: Field required");
                }
                text.append(block.get("text").asText());
            }
        }
        return new Message(role, text.toString());
    }

    private static Double number(JsonNode root, String name, double min, double max) throws Invalid {
        JsonNode node = root.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isNumber()) {
            throw new Invalid(name + ": Input should be a valid number");
        }
        double value = node.asDouble();
        if (value < min) {
            throw new Invalid(name + ": Input should be greater than or equal to " + (long) min);
        }
        if (value > max) {
            throw new Invalid(name + ": Input should be less than or equal to " + (long) max);
        }
        return value;
    }

    private static List<String> stopSequences(JsonNode node) throws Invalid {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new Invalid("stop_sequences: Input should be a valid list");
        }
        List<String> sequences = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            if (!node.get(i).isTextual()) {
                throw new Invalid("stop_sequences." + i + ": Input should be a valid string");
            }
            if (!node.get(i).asText().isEmpty()) {
                sequences.add(node.get(i).asText());
            }
        }
        return List.copyOf(sequences);
    }

    /** The messages as {@link PromptTokens} counts them: the system prompt first, as a message of its own. */
    private static ArrayNode counted(String system, ArrayNode messages) {
        if (system.isEmpty()) {
            return messages;
        }
        ArrayNode all = OpenAiFormat.JSON.createArrayNode();
        all.addObject().put("role", "system").put("content", system);
        all.addAll(messages);
        return all;
    }
}
