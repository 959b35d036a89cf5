package dev.evalunit.internal.run;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.evalunit.Answer;
import dev.evalunit.ChatRequest;
import java.util.Objects;
import java.util.function.BiFunction;
import org.apiguardian.api.API;

/**
 * A declared follow-up of a test's invocations: the request built from the row and the prompt's answer,
 * sent by the engine once that answer exists. Immutable.
 *
 * @param name    the follow-up's name, e.g. {@code judge}; its stage is {@code follow-up <name>}
 * @param request the request for a row and its answer; never returns {@code null}
 */
@API(status = INTERNAL, since = "0.1")
public record FollowUpStage(String name, BiFunction<Object, Answer, ChatRequest> request) {

    public FollowUpStage {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(request, "request");
    }

    /** The stage name its answers are checkpointed under. */
    public String stage() {
        return "follow-up " + name;
    }
}
