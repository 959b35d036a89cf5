package dev.evalunit.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The simulator's own count of tokens, from a request's JSON as it arrived: kept apart from the client's
 * estimate (the simulator is a module of its own and loads jtokkit's encodings itself), so that a test comparing the
 * client's estimate with the simulator's usage can fail.
 *
 * <p>A prompt is counted as OpenAI's cookbook ("How to count tokens with tiktoken", section 6) shows the API
 * bills it: 3 tokens per message, the tokens of each of its string fields ({@code role}, {@code content} or
 * its text parts, {@code name}), 1 more for a {@code name}, and 3 that prime the reply. On the cookbook's
 * example the API reported 129 prompt tokens for gpt-3.5-turbo and gpt-4, 124 for gpt-4o and gpt-4o-mini.
 */
final class PromptTokens {

    private static final int PER_MESSAGE = 3;
    private static final int PER_NAME = 1;
    private static final int REPLY_PRIMING = 3;
    /** The first prefix a model's name starts with decides; a model none names uses o200k, as every current one. */
    private static final List<Map.Entry<String, EncodingType>> BY_PREFIX = List.of(
            Map.entry("gpt-4o", EncodingType.O200K_BASE),
            Map.entry("chatgpt-4o", EncodingType.O200K_BASE),
            Map.entry("gpt-4.", EncodingType.O200K_BASE), // gpt-4.1, gpt-4.5
            Map.entry("gpt-4", EncodingType.CL100K_BASE),
            Map.entry("gpt-3.5", EncodingType.CL100K_BASE));

    /** Each encoding is loaded on first use: a simulator asked only about gpt-4o models loads o200k alone. */
    private static final EncodingRegistry REGISTRY = Encodings.newLazyEncodingRegistry();

    private PromptTokens() {
    }

    /** The encoding {@code model} tokenizes with. */
    static Encoding encoding(String model) {
        String m = model.toLowerCase(Locale.ROOT);
        EncodingType type = BY_PREFIX.stream().filter(e -> m.startsWith(e.getKey())).map(Map.Entry::getValue)
                .findFirst().orElse(EncodingType.O200K_BASE);
        return REGISTRY.getEncoding(type);
    }

    /** The prompt tokens of {@code messages}, an array of message objects the caller has checked. */
    static int count(String model, JsonNode messages) {
        Encoding encoding = encoding(model);
        int total = REPLY_PRIMING;
        for (JsonNode message : messages) {
            total += PER_MESSAGE;
            for (Map.Entry<String, JsonNode> field : message.properties()) {
                String text = text(field.getValue());
                if (!text.isEmpty()) {
                    total += encoding.countTokensOrdinary(text);
                }
                if (field.getKey().equals("name")) {
                    total += PER_NAME;
                }
            }
        }
        return total;
    }

    /** A field's text: a string as it is, an array's text parts joined, anything else none. */
    private static String text(JsonNode value) {
        if (value.isTextual()) {
            return value.asText();
        }
        StringBuilder text = new StringBuilder();
        if (value.isArray()) {
            for (JsonNode part : value) {
                if (part.path("text").isTextual()) {
                    text.append(part.get("text").asText());
                }
            }
        }
        return text.toString();
    }
}
