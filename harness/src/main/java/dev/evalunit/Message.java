package dev.evalunit;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.Locale;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * One chat message: a role and its text. Immutable and thread-safe.
 *
 * @param role    who speaks: {@code system}, {@code user} or {@code assistant}
 * @param content what they say
 */
@API(status = STABLE, since = "0.1")
public record Message(Role role, String content) {

    /** The speaker of a message, as the chat completions API names it. */
    public enum Role {
        SYSTEM, USER, ASSISTANT;

        /** The wire name: {@code system}, {@code user} or {@code assistant}. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public Message {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
    }

    public static Message system(String content) {
        return new Message(Role.SYSTEM, content);
    }

    public static Message user(String content) {
        return new Message(Role.USER, content);
    }

    public static Message assistant(String content) {
        return new Message(Role.ASSISTANT, content);
    }
}
