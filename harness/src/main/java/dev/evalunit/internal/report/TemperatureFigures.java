package dev.evalunit.internal.report;

import java.util.OptionalDouble;

/**
 * One row of a suite's score table: what the invocations at one temperature came to (of one model, when the run
 * compares several). Immutable.
 *
 * @param temperature      the sampling temperature
 * @param invocations      every invocation, however it ended
 * @param passed           answers that passed the assertions
 * @param failed           wrong answers
 * @param errors           requests that failed after retries
 * @param aborted          invocations left waiting on a running batch
 * @param skipped          invocations not run
 * @param replayed         invocations answered from a checkpoint, with no request sent
 * @param promptTokens     input tokens of every answer, replayed ones included
 * @param completionTokens output tokens
 * @param costUsd          what the answers cost when they were first asked, in US dollars
 * @param agreement        over the (test, question) groups with two samples or more, the mean share of a
 *                         group's samples that gave its most common answer; empty when no group has two
 * @param sampledGroups    how many groups {@code agreement} averages
 * @param model            the model compared when the run compares several ({@code evalunit.models}); {@code null}
 *                         when it asks one
 */
record TemperatureFigures(double temperature, long invocations, long passed, long failed, long errors,
                                 long aborted, long skipped, long replayed, long promptTokens,
                                 long completionTokens, double costUsd, OptionalDouble agreement,
                                 long sampledGroups, String model) {

    /** A row of a run that asks one model. */
    TemperatureFigures(double temperature, long invocations, long passed, long failed, long errors, long aborted,
                       long skipped, long replayed, long promptTokens, long completionTokens, double costUsd,
                       OptionalDouble agreement, long sampledGroups) {
        this(temperature, invocations, passed, failed, errors, aborted, skipped, replayed, promptTokens,
                completionTokens, costUsd, agreement, sampledGroups, null);
    }

    /** {@code T=0.5}, or {@code gpt-4o-mini T=0.5} when the run compares models: where a threshold was missed. */
    String where() {
        return (model == null ? "" : model + " ") + "T=" + Formats.temperature(temperature);
    }

    /** passed / (passed + failed): errors, aborted and skipped invocations have no answer to judge. */
    public OptionalDouble passRate() {
        long judged = passed + failed;
        return judged == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) passed / judged);
    }

    /** errors / (passed + failed + errors): the share of the requests that ended that failed; 0 when none. */
    public double errorRate() {
        long ended = passed + failed + errors;
        return ended == 0 ? 0 : (double) errors / ended;
    }

    public long tokens() {
        return promptTokens + completionTokens;
    }
}
