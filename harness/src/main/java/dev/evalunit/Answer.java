package dev.evalunit;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.Objects;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * The model's answer to one invocation's request, as a test body receives it: sent for this run,
 * or replayed from the checkpoint of an earlier run without a request.
 *
 * @param request    the request that was (or would have been) sent
 * @param completion what came back
 * @param replayed   whether it came from a checkpoint
 */
@API(status = STABLE, since = "0.1")
public record Answer(ChatRequest request, Completion completion, boolean replayed) {

    public Answer {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(completion, "completion");
    }

    /** The answer's text. */
    public String text() {
        return completion.text();
    }

    /**
     * The option letter the answer picks, read robustly: "B", "(B)", "B)", "b.", "Answer: B",
     * "The answer is B." all give {@code B}; empty when no single letter stands out.
     */
    public Optional<Character> letter() {
        return Letters.pick(completion.text());
    }
}
