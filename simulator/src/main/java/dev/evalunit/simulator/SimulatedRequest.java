package dev.evalunit.simulator;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.List;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * A chat completion request as the simulator parsed it. Immutable and thread-safe.
 *
 * @param model       the requested model
 * @param messages    the conversation; array contents are joined into one text per message
 * @param temperature the sampling temperature, or {@code null} when absent (the API's default is 1)
 * @param seed        the request's seed, or {@code null}
 * @param n           how many choices were asked for, at least 1
 * @param maxTokens   {@code max_completion_tokens} or {@code max_tokens}, or {@code null}
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record SimulatedRequest(
        String model,
        List<Message> messages,
        Double temperature,
        Long seed,
        int n,
        Integer maxTokens) {

    public SimulatedRequest {
        Objects.requireNonNull(model, "model");
        messages = List.copyOf(messages);
    }

    /**
     * One message of the conversation: a role and its text, as the request's JSON had them (array contents
     * joined). Immutable.
     *
     * @param role    who speaks
     * @param content what they say
     */
    public record Message(Role role, String content) {

        /** The speaker; {@code tool} and {@code function} messages count as the user's, {@code developer} as system. */
        public enum Role {
            SYSTEM, USER, ASSISTANT
        }

        public Message {
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(content, "content");
        }
    }

    /** The content of the last user message, or {@code ""} when there is none. */
    public String lastUserMessage() {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i).role() == Message.Role.USER) {
                return messages.get(i).content();
            }
        }
        return "";
    }
}
