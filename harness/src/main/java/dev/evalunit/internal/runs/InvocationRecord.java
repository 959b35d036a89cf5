package dev.evalunit.internal.runs;

import static org.apiguardian.api.API.Status.INTERNAL;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * One invocation of a run as its record keeps it: one line of {@code invocations.jsonl} and one row of
 * {@code results.csv}. What a comparison pairs (suite, test, question, temperature, sample, model, and the model
 * compared when the run compares several) and what it
 * compares (outcome, scores), with the evidence a reviewer asks for: the answer's text, where it came from,
 * whether this run paid for it, and which stored answer it is. Immutable.
 *
 * @param suite            the suite's name
 * @param test             the test, {@code Class.method}
 * @param question         the question's id, {@code -} for a test without questions
 * @param category         the question's category, or {@code null}
 * @param temperature      the invocation's temperature
 * @param sample           its sample, from 1
 * @param model            the model that answered (the fallback's name when it stood in)
 * @param comparedModel    the model the invocation is one of when the run compares several ({@code evalunit.models}):
 *                         the model asked, whoever answered, which the run's comparisons of its models pair by;
 *                         {@code null}, and left out, when the run asks one
 * @param origin           where the answer came from: {@code simulated} or {@code live <host/path>}
 * @param outcome          {@code passed}, {@code failed} (a wrong answer), {@code error} (no answer after retries),
 *                         {@code aborted} (no verdict: not sent, waiting for a batch, no score), {@code skipped}
 * @param reason           why it did not pass, its first line; {@code null} when it passed
 * @param answer           the answer's text, or {@code null} when there is none
 * @param label            what the test labelled the answer for comparison (an option letter), or {@code null}
 * @param scores           the test's named scores
 * @param followUps        the texts of its follow-ups' answers (a judge's verdict), by follow-up name
 * @param promptTokens     input tokens this invocation spent in this run (0 when replayed)
 * @param completionTokens output tokens spent
 * @param costUsd          what this run paid for it
 * @param latencyMs        how long its answer took to come, 0 when none was sent
 * @param route            {@code sent} (in real time), {@code batch}, or {@code replayed} (stored, or asked by
 *                         another invocation of the run: nothing paid)
 * @param batch            the batch that answered it, or {@code null}
 * @param answerKey        the stored answer it is, {@code <request hash>/<draw>}, or {@code null}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@API(status = INTERNAL, since = "0.1")
public record InvocationRecord(String suite, String test, String question, String category, double temperature,
                               int sample, String model, String comparedModel, String origin, String outcome,
                               String reason, String answer, String label, Map<String, Double> scores,
                               Map<String, String> followUps, long promptTokens, long completionTokens, double costUsd,
                               double latencyMs, String route, String batch, String answerKey) {

    public static final String PASSED = "passed";
    public static final String FAILED = "failed";

    public InvocationRecord {
        Objects.requireNonNull(suite, "suite");
        Objects.requireNonNull(test, "test");
        Objects.requireNonNull(question, "question");
        Objects.requireNonNull(outcome, "outcome");
        scores = scores == null ? Map.of() : scores;
        followUps = followUps == null ? Map.of() : followUps;
    }

    /** An invocation of a run that asks one model. */
    public InvocationRecord(String suite, String test, String question, String category, double temperature,
                            int sample, String model, String origin, String outcome, String reason, String answer,
                            String label, Map<String, Double> scores, Map<String, String> followUps,
                            long promptTokens, long completionTokens, double costUsd, double latencyMs,
                            String route, String batch, String answerKey) {
        this(suite, test, question, category, temperature, sample, model, null, origin, outcome, reason, answer, label,
                scores, followUps, promptTokens, completionTokens, costUsd, latencyMs, route, batch, answerKey);
    }

    /**
     * The model this invocation counts for in a comparison of a run's models: the model compared when the run
     * compares several, else the model that answered.
     */
    public String modelCounted() {
        return comparedModel != null ? comparedModel : model;
    }

    /** Whether the invocation's answer was judged: passed or failed (an error or an aborted one has no verdict). */
    public boolean judged() {
        return outcome.equals(PASSED) || outcome.equals(FAILED);
    }

    public boolean passed() {
        return outcome.equals(PASSED);
    }
}
