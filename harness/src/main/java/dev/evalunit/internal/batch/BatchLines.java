package dev.evalunit.internal.batch;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.openai.core.ObjectMappers;
import dev.evalunit.ChatRequest;
import dev.evalunit.internal.client.AnthropicWire;
import dev.evalunit.internal.client.ChatWire;
import dev.evalunit.internal.client.ModelTraits;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * One line of a batch input file, in the shape of the model's provider. OpenAI's Batch API takes
 * {@code BatchRequestInput}:
 *
 * <pre>{@code
 * {"custom_id":"picksTheTrueOption|tqa-0042|T=0.5|s=2","method":"POST","url":"/v1/chat/completions","body":{...}}
 * }</pre>
 *
 * Anthropic's Message Batches take one {@code requests[]} entry per line, with a {@link #customId wire custom id}:
 *
 * <pre>{@code
 * {"custom_id":"picksTheTrueOption_tqa-0-Xk3...","params":{"model":"claude-haiku-4-5","max_tokens":5,...}}
 * }</pre>
 *
 * The body is the provider SDK's serialization of the very parameters the real-time transport sends
 * ({@link ChatWire#params}, {@link AnthropicWire#params}), so a request answers the same either way.
 * Stateless and thread-safe.
 */
final class BatchLines {

    static final String URL = "/v1/chat/completions";

    /** Anthropic's {@code custom_id}: {@code ^[a-zA-Z0-9_-]{1,64}$}. */
    static final int ANTHROPIC_ID_LENGTH = 64;
    private static final int READABLE = 20;

    private static final JsonMapper MAPPER = ObjectMappers.jsonMapper();
    private static final byte[] METHOD_AND_URL = (",\"method\":\"POST\",\"url\":\"" + URL + "\",\"body\":")
            .getBytes(StandardCharsets.UTF_8);
    private static final byte[] PARAMS = ",\"params\":".getBytes(StandardCharsets.UTF_8);

    private BatchLines() {
    }

    /** The request's JSON body, as the real-time transport sends it to the model's provider. */
    static byte[] body(String model, ChatRequest request) {
        return anthropic(model) ? AnthropicWire.body(model, request) : ChatWire.body(model, request);
    }

    /**
     * The whole line, without its line feed; JSON strings escape theirs, so it is one line.
     *
     * @param customId the line's {@code custom_id} as sent: for an Anthropic model, a {@link #customId wire id}
     */
    static byte[] line(String customId, String model, ChatRequest request) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(512);
            out.write("{\"custom_id\":".getBytes(StandardCharsets.UTF_8));
            out.write(MAPPER.writeValueAsBytes(customId));
            out.write(anthropic(model) ? PARAMS : METHOD_AND_URL);
            out.write(body(model, request));
            out.write('}');
            return out.toByteArray();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot write the batch line of " + customId, e);
        }
    }

    static byte[] line(BatchItem item) {
        return line(customId(item), item.model(), item.request());
    }

    /** The {@code custom_id} the item's line is sent with. */
    static String customId(BatchItem item) {
        return customId(item.model(), item.customId(), item.key().requestHash());
    }

    /**
     * The {@code custom_id} a request of {@code model} is sent with: evalunit's id itself to OpenAI, which takes any
     * string; to Anthropic, whose ids are at most 64 of {@code [a-zA-Z0-9_-]}, while evalunit's hold {@code |},
     * {@code =} and {@code .} and may be longer, a wire id: the id's first {@value #READABLE} characters, the others
     * made {@code _} (for a person reading the console), a {@code -}, and 43 characters of unpadded base64url of the
     * SHA-256 of the id and the request hash. The wire id is a function of what the batch's ids file holds (written
     * and forced to the device before the batch is planned, let alone created), so a later run that finds the batch
     * in the ledger maps its results back to evalunit's ids as this one would; and a result of the same wire id
     * answers exactly this request (the request hash names the model and every parameter), never another one.
     */
    static String customId(String model, String id, String requestHash) {
        if (!anthropic(model)) {
            return id;
        }
        StringBuilder readable = new StringBuilder(READABLE + 44);
        for (int i = 0; i < id.length() && readable.length() < READABLE; i++) {
            char ch = id.charAt(i);
            readable.append(ch < 128 && (Character.isLetterOrDigit(ch) || ch == '-' || ch == '_') ? ch : '_');
        }
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(id.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(requestHash.getBytes(StandardCharsets.UTF_8));
            return readable.append('-').append(Base64.getUrlEncoder().withoutPadding().encodeToString(sha.digest()))
                    .toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is in every JVM", e);
        }
    }

    private static boolean anthropic(String model) {
        return ModelTraits.of(model).vendor() == ModelTraits.Vendor.ANTHROPIC;
    }
}
