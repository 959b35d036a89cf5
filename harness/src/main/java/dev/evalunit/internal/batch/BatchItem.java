package dev.evalunit.internal.batch;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.evalunit.ChatRequest;
import dev.evalunit.internal.checkpoint.InvocationKey;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * One request to answer through the Batch API: the invocation it belongs to and what it asks.
 * Immutable.
 *
 * <p>The key's {@link InvocationKey#id() id} is the line's {@code custom_id}, its
 * {@link InvocationKey#model() model} the model the line is addressed to (the request's own model,
 * which may be {@code null} for the configured default, is not used), and its
 * {@link InvocationKey#requestHash() request hash} tells a resumed run whether a batch submitted
 * earlier asked exactly this.
 *
 * @param key     the invocation, as the checkpoint knows it
 * @param request what to send
 */
@API(status = INTERNAL, since = "0.1")
public record BatchItem(InvocationKey key, ChatRequest request) {

    public BatchItem {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(request, "request");
        if (request.model() != null && !request.model().equals(key.model())) {
            throw new IllegalArgumentException("the request of " + key.id() + " names model " + request.model()
                    + " but its key names " + key.model());
        }
    }

    /** The Batch API {@code custom_id}: the invocation's id. */
    public String customId() {
        return key.id();
    }

    /** The model the request is addressed to. */
    public String model() {
        return key.model();
    }
}
