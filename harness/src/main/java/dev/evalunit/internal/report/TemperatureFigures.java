package dev.evalunit.internal.report;

import java.util.OptionalDouble;

/**
 * One row of a suite's score table: what the invocations at one temperature came to. Immutable.
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
 */
record TemperatureFigures(double temperature, long invocations, long passed, long failed, long errors,
                                 long aborted, long skipped, long replayed, long promptTokens,
                                 long completionTokens, double costUsd, OptionalDouble agreement,
                                 long sampledGroups) {

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
