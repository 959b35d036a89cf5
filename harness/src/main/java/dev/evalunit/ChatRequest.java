package dev.evalunit;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * One chat completion request, independent of any HTTP library. Immutable and thread-safe: every
 * {@code with}-style method returns a copy.
 *
 * <pre>{@code
 * ChatRequest.user("Capital of Australia?").temperature(0.5).maxTokens(20).seed(7)
 * }</pre>
 *
 * @param model       the model, or {@code null} for the configured default
 * @param messages    the conversation, at least one message
 * @param temperature sampling temperature 0..2, or {@code null} for the API's default
 * @param maxTokens   an upper bound on completion tokens, or {@code null} for none
 * @param seed        a seed for best-effort determinism, or {@code null}
 * @param n           how many choices to generate, at least 1
 * @param topLogprobs {@code null} for no logprobs, otherwise how many alternatives per token (0..20)
 * @param priority    which queue the request waits in when capacity is short
 */
@API(status = STABLE, since = "0.1")
public record ChatRequest(
        String model,
        List<Message> messages,
        Double temperature,
        Integer maxTokens,
        Long seed,
        int n,
        Integer topLogprobs,
        Priority priority) {

    public ChatRequest {
        Objects.requireNonNull(messages, "messages");
        Objects.requireNonNull(priority, "priority");
        messages = List.copyOf(messages);
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("a ChatRequest needs at least one message");
        }
        if (temperature != null && (temperature.isNaN() || temperature < 0 || temperature > 2)) {
            throw new IllegalArgumentException("temperature must be between 0 and 2 but was " + temperature);
        }
        if (maxTokens != null && maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be >= 1 but was " + maxTokens);
        }
        if (n < 1) {
            throw new IllegalArgumentException("n must be >= 1 but was " + n);
        }
        if (topLogprobs != null && (topLogprobs < 0 || topLogprobs > 20)) {
            throw new IllegalArgumentException("topLogprobs must be between 0 and 20 but was " + topLogprobs);
        }
    }

    /** A request of the given messages, with every option at its default. */
    public static ChatRequest of(List<Message> messages) {
        return new ChatRequest(null, messages, null, null, null, 1, null, Priority.NORMAL);
    }

    /** A request of one user message. */
    public static ChatRequest user(String content) {
        return of(List.of(Message.user(content)));
    }

    /** A request of a system message followed by one user message. */
    public static ChatRequest of(String system, String user) {
        return of(List.of(Message.system(system), Message.user(user)));
    }

    public ChatRequest model(String model) {
        return new ChatRequest(model, messages, temperature, maxTokens, seed, n, topLogprobs, priority);
    }

    public ChatRequest temperature(double temperature) {
        return new ChatRequest(model, messages, temperature, maxTokens, seed, n, topLogprobs, priority);
    }

    public ChatRequest maxTokens(int maxTokens) {
        return new ChatRequest(model, messages, temperature, maxTokens, seed, n, topLogprobs, priority);
    }

    public ChatRequest seed(long seed) {
        return new ChatRequest(model, messages, temperature, maxTokens, seed, n, topLogprobs, priority);
    }

    public ChatRequest n(int n) {
        return new ChatRequest(model, messages, temperature, maxTokens, seed, n, topLogprobs, priority);
    }

    /** Asks for log probabilities, with {@code top} alternatives per token (0 for the chosen token only). */
    public ChatRequest logprobs(int top) {
        return new ChatRequest(model, messages, temperature, maxTokens, seed, n, top, priority);
    }

    public ChatRequest priority(Priority priority) {
        return new ChatRequest(model, messages, temperature, maxTokens, seed, n, topLogprobs, priority);
    }

    /** This request with one more message at the end. */
    public ChatRequest append(Message message) {
        List<Message> more = new ArrayList<>(messages);
        more.add(message);
        return new ChatRequest(model, more, temperature, maxTokens, seed, n, topLogprobs, priority);
    }

    /** Whether log probabilities are asked for. */
    public boolean wantsLogprobs() {
        return topLogprobs != null;
    }
}
