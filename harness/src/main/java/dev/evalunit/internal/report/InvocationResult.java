package dev.evalunit.internal.report;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * How one benchmark invocation (one question at one temperature, one sample, of one model when the run compares
 * several) ended. Immutable. The
 * progress bar counts these and {@link RunSummary} aggregates them into the score table.
 *
 * @param suite            the suite's name, e.g. {@code TruthfulQA}
 * @param test             the test method, e.g. {@code picksTheTrueOption}
 * @param questionId       the question's stable id, e.g. {@code tqa-0042}
 * @param temperature      the sampling temperature, &gt;= 0
 * @param sample           which sample of this question and temperature, from 1
 * @param status           how it ended
 * @param answer           the model's answer text, or {@code null} when there is none (errors, aborted)
 * @param promptTokens     input tokens billed, &gt;= 0
 * @param completionTokens output tokens billed, &gt;= 0
 * @param costUsd          what the request cost in US dollars, &gt;= 0
 * @param latency          how long the answer took to arrive; {@link Duration#ZERO} when none was sent
 * @param category         the question's category for breakdowns, or {@code null}
 * @param replayed         whether the answer came from a checkpoint, so no request was sent in this run
 * @param label            what the answer chose, as the test labelled it for comparison across samples
 *                         and temperatures (an option letter), or {@code null} to compare answer texts
 * @param scores           the test's named scores, e.g. {@code truthful -> 1.0}; empty when none
 * @param comparedModel    the model it is one of when the run compares several ({@code evalunit.models}): the
 *                         summary and the analysis show each model's figures apart; {@code null} when it asks one
 */
@API(status = INTERNAL, since = "0.1")
public record InvocationResult(String suite, String test, String questionId, double temperature, int sample,
                               Outcome status, String answer, long promptTokens, long completionTokens,
                               double costUsd, Duration latency, String category, boolean replayed,
                               String label, Map<String, Double> scores, String comparedModel) {

    /** A result of a run that asks one model. */
    public InvocationResult(String suite, String test, String questionId, double temperature, int sample,
                            Outcome status, String answer, long promptTokens, long completionTokens,
                            double costUsd, Duration latency, String category, boolean replayed,
                            String label, Map<String, Double> scores) {
        this(suite, test, questionId, temperature, sample, status, answer, promptTokens, completionTokens, costUsd,
                latency, category, replayed, label, scores, null);
    }

    /** A result without a label or scores. */
    public InvocationResult(String suite, String test, String questionId, double temperature, int sample,
                            Outcome status, String answer, long promptTokens, long completionTokens,
                            double costUsd, Duration latency, String category, boolean replayed) {
        this(suite, test, questionId, temperature, sample, status, answer, promptTokens, completionTokens, costUsd,
                latency, category, replayed, null, Map.of());
    }

    public InvocationResult {
        scores = scores == null ? Map.of() : Map.copyOf(scores);
        Objects.requireNonNull(suite, "suite");
        Objects.requireNonNull(test, "test");
        Objects.requireNonNull(questionId, "questionId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(latency, "latency");
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be >= 0 but was " + temperature);
        }
        if (promptTokens < 0 || completionTokens < 0) {
            throw new IllegalArgumentException("tokens must be >= 0 but were " + promptTokens + " in, "
                    + completionTokens + " out");
        }
        if (!(costUsd >= 0) || Double.isInfinite(costUsd)) {
            throw new IllegalArgumentException("costUsd must be >= 0 but was " + costUsd);
        }
    }

    /** What agreement and flips compare: the label when the test gave one, else the answer text. */
    public String comparedAnswer() {
        return label != null ? label : answer;
    }

    /** Input plus output tokens. */
    public long totalTokens() {
        return promptTokens + completionTokens;
    }

    /** How an invocation ended, as JUnit and Allure report it (see the design's table of outcomes). */
    public enum Outcome {
        /** The answer passed the test's assertions. */
        PASSED,
        /** The answer failed the assertions: a wrong answer. */
        FAILED,
        /** The request failed after retries (quota, auth, open circuit, budget): no answer to judge. */
        ERROR,
        /** The invocation waits on a batch that is still running ({@code evalunit.batch.wait=false}). */
        ABORTED,
        /** Not run, e.g. disabled or filtered by an assumption. */
        SKIPPED
    }
}
