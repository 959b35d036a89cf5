package dev.evalunit.internal.checkpoint;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.util.Objects;
import org.apiguardian.api.API;

/**
 * What a stored answer is found by: the request that produced it and which draw of that request it is.
 * Immutable and thread-safe.
 *
 * <p>The request hash ({@link InvocationKey#hash}) covers the model, the messages and every generation
 * parameter, {@code n} included; the origin is the store's own (a store answers for one). The draw tells apart
 * answers that the same request must give more than once:
 * <ul>
 *   <li>a prompt's request: its sample, {@code s2}, so samples stay distinct at every temperature (the samples
 *       sharing one request of n choices each have their own choice under their own sample);</li>
 *   <li>a call the body made through its client: its sample and how many identical calls the invocation made
 *       before it, {@code s2#1};</li>
 *   <li>a declared follow-up (a judge): nothing, {@code ""}: it is found by its own content alone, so the judge of
 *       the same answer to the same question is asked once, whichever temperature or test asked it.</li>
 * </ul>
 * Nothing of the invocation beyond that: the same request asked by another test, or by a changed test body or
 * scorer, finds the same answer (re-scoring without re-generating).
 *
 * @param requestHash the request's hash, 16 hex digits
 * @param draw        which draw, as above
 */
@API(status = INTERNAL, since = "0.1")
public record AnswerKey(String requestHash, String draw) {

    private static final String CALL = "call ";

    public AnswerKey {
        Objects.requireNonNull(requestHash, "requestHash");
        Objects.requireNonNull(draw, "draw");
    }

    /** The key of the answer to stage {@code stage} (as {@link InvocationKey#stage()} names it) of sample {@code sample}. */
    static AnswerKey of(String requestHash, String stage, int sample) {
        if (stage.isEmpty()) {
            return new AnswerKey(requestHash, "s" + sample);
        }
        int occurrence = stage.lastIndexOf('#');
        if (stage.startsWith(CALL) && occurrence > 0) {
            return new AnswerKey(requestHash, "s" + sample + stage.substring(occurrence));
        }
        return new AnswerKey(requestHash, "");
    }

    /** {@code 3f2a9c0d5e6b7a81/s2}, or the hash alone for a follow-up. */
    @Override
    public String toString() {
        return draw.isEmpty() ? requestHash : requestHash + '/' + draw;
    }
}
