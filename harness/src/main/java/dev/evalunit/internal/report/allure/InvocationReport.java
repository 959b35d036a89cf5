package dev.evalunit.internal.report.allure;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.evalunit.ChatRequest;
import dev.evalunit.Completion;
import dev.evalunit.internal.report.InvocationResult;
import java.util.List;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * What the Allure result of one benchmark invocation is made of: its {@link InvocationResult} (suite,
 * test, question, temperature, sample, outcome, category, scores) and what only a report shows.
 * Immutable.
 *
 * @param result       how the invocation ended, as the summary counts it
 * @param name         the invocation's display name, e.g. {@code [T=0.5 s=2] tqa-0042 What happens if...}
 * @param testClass    the test class's binary name
 * @param testMethod   the test method's name
 * @param model        the model the invocation's request is addressed to (the suite's, for hand-written tests)
 * @param questionText the question's full text, or {@code null}
 * @param request      the invocation's request, or {@code null} for a hand-written test
 * @param completion   its answer, or {@code null} when none came
 * @param failure      why it did not pass (a wrong answer's {@link AssertionError}, the client's exception, the
 *                     reason it was aborted), or {@code null} when it passed
 * @param batchId      the Batch API batch that answered it, or that it waits on; {@code null} when none
 * @param calls        the calls its body made through the injected client (a hand-written question, a judge)
 * @param startMillis  when the invocation started, epoch milliseconds
 * @param stopMillis   when it ended, epoch milliseconds
 */
@API(status = INTERNAL, since = "0.1")
public record InvocationReport(InvocationResult result, String name, String testClass, String testMethod, String model,
                               String questionText, ChatRequest request, Completion completion, Throwable failure,
                               String batchId, List<Call> calls, long startMillis, long stopMillis) {

    public InvocationReport {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(testClass, "testClass");
        Objects.requireNonNull(testMethod, "testMethod");
        Objects.requireNonNull(model, "model");
        calls = calls == null ? List.of() : List.copyOf(calls);
    }

    /**
     * One call a test body made through its injected client.
     *
     * @param request     what was asked
     * @param model       the model it was addressed to
     * @param completion  the answer, or {@code null} when the call failed
     * @param failure     why it failed, or {@code null}
     * @param replayed    whether the answer came from the checkpoint, without a request
     * @param startMillis when the call was made, epoch milliseconds
     * @param stopMillis  when it ended, epoch milliseconds
     */
    public record Call(ChatRequest request, String model, Completion completion, Throwable failure, boolean replayed,
                       long startMillis, long stopMillis) {

        public Call {
            Objects.requireNonNull(request, "request");
            Objects.requireNonNull(model, "model");
        }
    }
}
