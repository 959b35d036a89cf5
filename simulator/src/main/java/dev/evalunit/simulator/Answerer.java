package dev.evalunit.simulator;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Random;
import org.apiguardian.api.API;

/**
 * Writes the simulator's answers. Implementations must be thread-safe: the simulator calls one
 * instance from many server threads at once.
 *
 * <p>Determinism is the simulator's job, not the answerer's: the {@code random} it passes is seeded
 * from the request (model, messages, temperature, seed, choice index) whenever the request asks for
 * a repeatable answer, so an answerer that draws only from {@code random} is deterministic too.
 */
@FunctionalInterface
@API(status = EXPERIMENTAL, since = "0.1")
public interface Answerer {

    /**
     * The text of one choice.
     *
     * @param request     what was asked
     * @param choiceIndex which of the request's {@code n} choices, from 0
     * @param random      the only source of randomness the answer should use
     * @return the text; {@code null} from a {@linkplain #registered() registered} answerer leaves the request
     *         to the next one
     */
    String answer(SimulatedRequest request, int choiceIndex, Random random);

    /**
     * The default: one option letter when the last user message lists lettered options ({@code A.},
     * {@code A)} or {@code (A)} at the start of a line), {@code Truthful: yes} for each line shaped
     * {@code Truthful: yes or no} (a judge's form), a grader's verdict when the message asks for one
     * ({@code CORRECT}, {@code INCORRECT} or {@code NOT_ATTEMPTED} as the message names them, or the letter of
     * a line such as {@code A: CORRECT}; two in three correct), {@code Yes} or {@code No} when the message asks
     * to answer yes or no, otherwise a short sentence derived from the prompt, such as
     * {@code "Simulated answer 3f2a1c: the answer depends on the context."}.
     */
    static Answerer defaults() {
        return DefaultAnswerer.INSTANCE;
    }

    /**
     * The answerers a project registers, asked in turn before the default ones: each class named in a
     * {@code META-INF/services/dev.evalunit.simulator.Answerer} file on the class path (e.g. in
     * {@code src/test/resources}), with a public no-argument constructor. One that returns {@code null} leaves
     * the request to the next; the {@linkplain #defaults() default} answers what none does. The run's built-in
     * simulator uses these.
     *
     * @throws java.util.ServiceConfigurationError naming the class when a registered one cannot be made
     */
    static Answerer registered() {
        java.util.List<Answerer> own = new java.util.ArrayList<>();
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        java.util.ServiceLoader.load(Answerer.class, loader != null ? loader : Answerer.class.getClassLoader())
                .forEach(own::add);
        if (own.isEmpty()) {
            return defaults();
        }
        java.util.List<Answerer> chain = java.util.List.copyOf(own);
        return (request, choiceIndex, random) -> {
            for (Answerer answerer : chain) {
                String text = answerer.answer(request, choiceIndex, random);
                if (text != null) {
                    return text;
                }
            }
            return defaults().answer(request, choiceIndex, random);
        };
    }
}
