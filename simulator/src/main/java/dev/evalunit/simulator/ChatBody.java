package dev.evalunit.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.evalunit.simulator.SimulatedRequest.Message;
import java.util.ArrayList;
import java.util.List;

/**
 * A parsed {@code POST /v1/chat/completions} body: the request the answerer sees plus the options
 * that shape the response. Immutable. Parsed once into a Jackson tree, validated as OpenAI does,
 * with OpenAI's messages for the common mistakes.
 */
record ChatBody(SimulatedRequest request, boolean logprobs, int topLogprobs, int promptTokens) {

    /** A body OpenAI would refuse with 400; carries the error's {@code param} and {@code code}. */
    static final class Invalid extends Exception {
        final String param;
        final String code;

        Invalid(String message, String param, String code) {
            super(message, null, false, false);
            this.param = param;
            this.code = code;
        }
    }

    static ChatBody parse(byte[] body) throws Invalid {
        JsonNode root = OpenAiFormat.object(body);
        if (root == null) {
            throw new Invalid("We could not parse the JSON body of your request. (HINT: This likely means you aren't "
                    + "using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was "
                    + "not valid JSON. If you have trouble figuring out how to fix this, please contact us through our "
                    + "help center at help.openai.com.)", null, null);
        }
        return parse(root);
    }

    /** Validates a body already parsed, such as the {@code body} of a batch's input line. */
    static ChatBody parse(JsonNode root) throws Invalid {
        JsonNode model = root.get("model");
        if (model == null || !model.isTextual() || model.asText().isEmpty()) {
            throw new Invalid("you must provide a model parameter", null, null);
        }
        JsonNode messages = root.get("messages");
        if (messages == null || messages.isNull()) {
            throw new Invalid("Missing required parameter: 'messages'.", "messages", "missing_required_parameter");
        }
        if (!messages.isArray() || messages.isEmpty()) {
            throw new Invalid("Invalid 'messages': expected a non-empty array of messages.", "messages",
                    "invalid_type");
        }
        List<Message> parsed = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            parsed.add(message(messages.get(i), i));
        }
        Double temperature = number(root, "temperature", 0, 2);
        Double n = number(root, "n", 1, 128);
        Double maxTokens = number(root, "max_completion_tokens", 1, Integer.MAX_VALUE);
        if (maxTokens == null) {
            maxTokens = number(root, "max_tokens", 1, Integer.MAX_VALUE);
        }
        Double top = number(root, "top_logprobs", 0, 20);
        JsonNode seed = root.get("seed");
        if (seed != null && !seed.isNull() && !seed.canConvertToLong()) {
            throw new Invalid("Invalid type for 'seed': expected an integer, but got " + seed + " instead.", "seed",
                    "invalid_type");
        }
        SimulatedRequest request = new SimulatedRequest(model.asText(), parsed, temperature,
                seed == null || seed.isNull() ? null : seed.asLong(), n == null ? 1 : n.intValue(),
                maxTokens == null ? null : maxTokens.intValue());
        return new ChatBody(request, root.path("logprobs").asBoolean(false), top == null ? 0 : top.intValue(),
                PromptTokens.count(model.asText(), messages));
    }

    private static Message message(JsonNode node, int index) throws Invalid {
        String param = "messages[" + index + "]";
        if (!node.isObject()) {
            throw new Invalid("Invalid type for '" + param + "': expected an object.", param, "invalid_type");
        }
        String role = node.path("role").asText("");
        Message.Role parsedRole = switch (role) {
            case "user", "tool", "function" -> Message.Role.USER;
            case "system", "developer" -> Message.Role.SYSTEM;
            case "assistant" -> Message.Role.ASSISTANT;
            default -> throw new Invalid("Invalid value: '" + role + "'. Supported values are: 'system', 'assistant', "
                    + "'user', 'function', 'tool', and 'developer'.", param + ".role", "invalid_value");
        };
        JsonNode content = node.get("content");
        if (content == null || content.isNull()) {
            return new Message(parsedRole, "");
        }
        if (content.isTextual()) {
            return new Message(parsedRole, content.asText());
        }
        if (!content.isArray()) {
            throw new Invalid("Invalid type for '" + param + ".content': expected one of a string or array of objects.",
                    param + ".content", "invalid_type");
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : content) {
            if ("text".equals(part.path("type").asText()) && part.path("text").isTextual()) {
                text.append(part.get("text").asText());
            }
        }
        return new Message(parsedRole, text.toString());
    }

    private static Double number(JsonNode root, String name, double min, double max) throws Invalid {
        JsonNode node = root.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isNumber()) {
            throw new Invalid("Invalid type for '" + name + "': expected a number, but got " + node + " instead.", name,
                    "invalid_type");
        }
        double value = node.asDouble();
        if (value < min || value > max) {
            throw new Invalid("Invalid '" + name + "': " + node + " is outside the allowed range " + (long) min + " to "
                    + (long) max + ".", name, max == Integer.MAX_VALUE ? "integer_below_min_value" : "decimal_out_of_range");
        }
        return value;
    }
}
