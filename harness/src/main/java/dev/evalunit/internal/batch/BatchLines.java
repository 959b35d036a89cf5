package dev.evalunit.internal.batch;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.openai.core.ObjectMappers;
import dev.evalunit.ChatRequest;
import dev.evalunit.internal.client.ChatWire;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * One line of a Batch API input file ({@code BatchRequestInput}):
 *
 * <pre>{@code
 * {"custom_id":"picksTheTrueOption|tqa-0042|T=0.5|s=2","method":"POST","url":"/v1/chat/completions","body":{...}}
 * }</pre>
 *
 * The body is openai-java's serialization of the very {@code ChatCompletionCreateParams} the
 * real-time transport sends ({@link ChatWire#params}), so a request answers the same either way.
 * Stateless and thread-safe.
 */
final class BatchLines {

    static final String URL = "/v1/chat/completions";

    private static final JsonMapper MAPPER = ObjectMappers.jsonMapper();
    private static final byte[] METHOD_AND_URL = (",\"method\":\"POST\",\"url\":\"" + URL + "\",\"body\":")
            .getBytes(StandardCharsets.UTF_8);

    private BatchLines() {
    }

    /** The request's JSON body, as the real-time transport sends it. */
    static byte[] body(String model, ChatRequest request) {
        return ChatWire.body(model, request);
    }

    /** The whole line, without its line feed; JSON strings escape theirs, so it is one line. */
    static byte[] line(String customId, String model, ChatRequest request) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(512);
            out.write("{\"custom_id\":".getBytes(StandardCharsets.UTF_8));
            out.write(MAPPER.writeValueAsBytes(customId));
            out.write(METHOD_AND_URL);
            out.write(body(model, request));
            out.write('}');
            return out.toByteArray();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot write the batch line of " + customId, e);
        }
    }

    static byte[] line(BatchItem item) {
        return line(item.customId(), item.model(), item.request());
    }
}
