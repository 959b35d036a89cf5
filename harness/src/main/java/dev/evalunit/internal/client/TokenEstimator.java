package dev.evalunit.internal.client;

import static org.apiguardian.api.API.Status.INTERNAL;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import dev.evalunit.Message;
import java.util.List;
import java.util.Locale;
import org.apiguardian.api.API;

/**
 * Counts tokens the way OpenAI bills them, with jtokkit and our own model-to-encoding table.
 * Thread-safe; the encodings are loaded once per process.
 *
 * <p>jtokkit's own table maps {@code gpt-4.1*} to cl100k and knows nothing of the o-series or
 * gpt-5, so the table here decides: o200k_base for gpt-4o, gpt-4.1, gpt-5, o1/o3/o4 and anything
 * unknown (every current model uses it), cl100k_base for gpt-4 and gpt-3.5.
 *
 * <p>Chat messages follow OpenAI's published recipe: 3 tokens of framing per message, the role and
 * content tokens, and 3 more that prime the reply. The simulator counts in a way of its own, from the
 * request's JSON, pinned to what the API reported for OpenAI's cookbook example.
 */
@API(status = INTERNAL, since = "0.1")
public final class TokenEstimator {

    private static final int TOKENS_PER_MESSAGE = 3;
    private static final int REPLY_PRIMING = 3;
    private static final TokenEstimator SHARED = new TokenEstimator(Encodings.newLazyEncodingRegistry());

    // Each encoding's tables take about 25 MB of heap: load one only when a model needs it.
    private final EncodingRegistry registry;

    private TokenEstimator(EncodingRegistry registry) {
        this.registry = registry;
    }

    /** The process-wide estimator. */
    public static TokenEstimator shared() {
        return SHARED;
    }

    /** The encoding a model tokenizes with. */
    public Encoding encodingFor(String model) {
        String m = model == null ? "" : model.toLowerCase(Locale.ROOT);
        if (m.startsWith("gpt-4o") || m.startsWith("gpt-4.1") || m.startsWith("gpt-4.5") || m.startsWith("chatgpt-4o")) {
            return registry.getEncoding(EncodingType.O200K_BASE);
        }
        if (m.startsWith("gpt-4") || m.startsWith("gpt-3.5") || m.startsWith("text-embedding")) {
            return registry.getEncoding(EncodingType.CL100K_BASE);
        }
        return registry.getEncoding(EncodingType.O200K_BASE);
    }

    /** jtokkit's encoding of that type, loaded once per process. */
    public Encoding encoding(EncodingType type) {
        return registry.getEncoding(type);
    }

    /** Tokens in plain text; special-token strings such as {@code <|endoftext|>} count as ordinary text. */
    public int countText(String model, String text) {
        return text == null || text.isEmpty() ? 0 : encodingFor(model).countTokensOrdinary(text);
    }

    /** Prompt tokens of a chat conversation, as the API reports them in {@code usage.prompt_tokens}. */
    public int countMessages(String model, List<Message> messages) {
        Encoding encoding = encodingFor(model);
        int total = REPLY_PRIMING;
        for (Message message : messages) {
            total += TOKENS_PER_MESSAGE
                    + encoding.countTokensOrdinary(message.role().wireName())
                    + encoding.countTokensOrdinary(message.content());
        }
        return total;
    }
}
