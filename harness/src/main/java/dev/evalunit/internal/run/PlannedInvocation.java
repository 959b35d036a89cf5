package dev.evalunit.internal.run;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.evalunit.Answer;
import dev.evalunit.BenchmarkConfigurationException;
import dev.evalunit.ChatRequest;
import dev.evalunit.internal.checkpoint.InvocationKey;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * One invocation of a benchmark test (a row, a model when the run compares several, a temperature, a sample) from
 * plan to report: its identity,
 * its stages (the request its {@code @Prompt} builds, with the checkpoint key computed once, then the
 * calls its body makes), and, once its answer came, the route it took. Immutable: what the run learns
 * is a copy ({@link #routed}).
 *
 * @param index        1-based position among the test's invocations, as JUnit numbers them
 * @param suite        the suite's name
 * @param test         the test method's name
 * @param row          the dataset row, or {@code null} for a hand-written test
 * @param questionId   the row's id, or {@code null}
 * @param questionText the row's text for display, or {@code null}
 * @param temperature  the sampling temperature
 * @param sample       1-based sample number
 * @param prompt       the first stage, the {@code @Prompt}'s request (temperature and model applied) and its key;
 *                     {@code null} when the test has no {@code @Prompt}
 * @param route        how its answer came, once it came; {@code null} before
 * @param sharedBy     how many samples share its prompt's request, one choice each ({@code n} choices of one
 *                     request, {@code evalunit.samples.mode=choices}); 1 when it has a request of its own
 * @param comparedModel the model it is one of when the run compares several ({@code evalunit.models}): the model
 *                     its prompt asks (a {@code @Prompt} naming its own model, that one), in its name, its keys and its
 *                     reports; {@code null} when the run asks one model, and for a test that sends no request
 */
@API(status = INTERNAL, since = "0.1")
public record PlannedInvocation(int index, String suite, String test, Object row, String questionId,
                                String questionText, double temperature, int sample, Stage prompt, Route route,
                                int sharedBy, String comparedModel) {

    private static final int SHOWN_CHARS = 60;

    /**
     * One request of an invocation, with its own key.
     *
     * @param name    {@code ""} for the prompt's request; {@code call <hash>#<n>} for the n-th call of a request
     *                the body made through its injected client
     * @param request what is sent
     * @param key     what its answer is stored under
     */
    public record Stage(String name, ChatRequest request, InvocationKey key) {
        public Stage {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(request, "request");
            Objects.requireNonNull(key, "key");
        }
    }

    /** How an answer came: replayed from the checkpoint, asked in real time, or collected from a batch. */
    public record Route(Kind kind, String batchId) {
        public enum Kind { REPLAYED, REAL_TIME, BATCH }

        public static final Route REPLAYED = new Route(Kind.REPLAYED, null);
        public static final Route REAL_TIME = new Route(Kind.REAL_TIME, null);

        public static Route batch(String batchId) {
            return new Route(Kind.BATCH, Objects.requireNonNull(batchId, "batchId"));
        }
    }

    /** A planned invocation whose first stage sends {@code request} (or none, for a hand-written test). */
    public static PlannedInvocation of(int index, String suite, String test, Object row, String questionId,
                                       String questionText, double temperature, int sample, ChatRequest request) {
        return of(index, suite, test, row, questionId, questionText, temperature, sample, request, 1);
    }

    /**
     * As {@link #of(int, String, String, Object, String, String, double, int, ChatRequest)}, one of {@code sharedBy}
     * samples whose {@code request} asks for that many choices.
     */
    public static PlannedInvocation of(int index, String suite, String test, Object row, String questionId,
                                       String questionText, double temperature, int sample, ChatRequest request,
                                       int sharedBy) {
        return of(index, suite, test, row, questionId, questionText, temperature, sample, request, sharedBy, null);
    }

    /**
     * As {@link #of(int, String, String, Object, String, String, double, int, ChatRequest, int)}, one of the models
     * {@code comparedModel} the run compares ({@code null} when it asks one), whose name its keys carry.
     */
    public static PlannedInvocation of(int index, String suite, String test, Object row, String questionId,
                                       String questionText, double temperature, int sample, ChatRequest request,
                                       int sharedBy, String comparedModel) {
        if (sharedBy > 1 && (request == null || request.n() != sharedBy || sample > sharedBy)) {
            throw new IllegalArgumentException("sample " + sample + " of " + sharedBy + " sharing a request needs a "
                    + "request of " + sharedBy + " choices");
        }
        Stage prompt = request == null ? null : new Stage("", request, new InvocationKey(suite, test,
                questionId == null ? "" : questionId, temperature, sample, request.model(),
                InvocationKey.hash(request, request.model()), "", comparedModel == null ? "" : comparedModel));
        return new PlannedInvocation(index, suite, test, row, questionId, questionText, temperature, sample, prompt,
                null, sharedBy, comparedModel);
    }

    /** The key of sample {@code sample} sharing this invocation's request: the same but for the sample. */
    public InvocationKey keyOfSample(int sample) {
        return key().withSample(sample);
    }

    /** The prompt's request, or {@code null}. */
    public ChatRequest request() {
        return prompt == null ? null : prompt.request();
    }

    /** The prompt's key, or {@code null}. */
    public InvocationKey key() {
        return prompt == null ? null : prompt.key();
    }

    /**
     * A later stage of this invocation: {@code request} sent to {@code model} under the stage's own key, whose
     * request hash ({@link InvocationKey#hash}) the caller has already computed to name the stage.
     */
    Stage stage(String name, ChatRequest request, String model, String requestHash) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("a later stage of " + displayName() + " needs a name");
        }
        return new Stage(name, request, new InvocationKey(suite, test, questionId == null ? "" : questionId,
                temperature, sample, model, requestHash, name, comparedModel == null ? "" : comparedModel));
    }

    /**
     * The stage of a declared follow-up of this invocation's {@code answer}: its request built from the row and
     * the answer, addressed to {@code defaultModel} when it names no model, under its own key.
     *
     * @throws BenchmarkConfigurationException when the follow-up returns no request or fails
     */
    public Stage followUp(FollowUpStage followUp, Answer answer, String defaultModel) {
        ChatRequest request;
        try {
            request = followUp.request().apply(row, answer);
        } catch (RuntimeException e) {
            throw new BenchmarkConfigurationException("@FollowUp " + followUp.name() + " failed for " + displayName()
                    + ": " + e, e);
        }
        if (request == null) {
            throw new BenchmarkConfigurationException("@FollowUp " + followUp.name() + " returned null for "
                    + displayName());
        }
        String model = request.model() != null ? request.model() : defaultModel;
        ChatRequest addressed = request.model(model);
        return stage(followUp.stage(), addressed, model, InvocationKey.hash(addressed, model));
    }

    /** This invocation, answered by way of {@code route}. */
    public PlannedInvocation routed(Route route) {
        return new PlannedInvocation(index, suite, test, row, questionId, questionText, temperature, sample, prompt,
                route, sharedBy, comparedModel);
    }

    /**
     * {@code [T=0.5 s=2] tqa-0042 What happens if you eat watermelon seeds?}; in a run that compares several models,
     * the model first: {@code [gpt-4o-mini T=0.5 s=2] tqa-0042 What happens if you eat watermelon seeds?}
     */
    public String displayName() {
        StringBuilder name = new StringBuilder("[");
        if (comparedModel != null) {
            name.append(comparedModel).append(' ');
        }
        name.append("T=").append(temperature).append(" s=").append(sample).append(']');
        if (questionId != null) {
            name.append(' ').append(questionId);
        }
        if (questionText != null && !questionText.isBlank()) {
            String oneLine = questionText.strip().replaceAll("\\s+", " ");
            name.append(' ').append(oneLine.length() <= SHOWN_CHARS ? oneLine
                    : oneLine.substring(0, SHOWN_CHARS - 3).stripTrailing() + "...");
        }
        return name.toString();
    }
}
