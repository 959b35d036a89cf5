package dev.evalunit.internal.report;

import dev.evalunit.internal.report.InvocationResult.Outcome;
import java.time.Duration;

/** Short ways to build {@link InvocationResult}s in tests. */
final class Results {

    private Results() {
    }

    static InvocationResult result(Outcome status) {
        return of("TruthfulQA", "q1", 0.0, 1, status, "A");
    }

    static InvocationResult of(String suite, String question, double temperature, int sample, Outcome status,
                               String answer) {
        return new InvocationResult(suite, "picksTheTrueOption", question, temperature, sample, status,
                status == Outcome.PASSED || status == Outcome.FAILED ? answer : null,
                100, 20, 0.0001, Duration.ofMillis(200), null, false);
    }

    /** As {@link #of}, of {@code model} in a run that compares several models. */
    static InvocationResult ofModel(String model, String question, double temperature, Outcome status) {
        InvocationResult r = of("TruthfulQA", question, temperature, 1, status, "A");
        return new InvocationResult(r.suite(), r.test(), r.questionId(), r.temperature(), r.sample(), r.status(),
                r.answer(), r.promptTokens(), r.completionTokens(), r.costUsd(), r.latency(), r.category(), r.replayed(),
                r.label(), r.scores(), model);
    }

    static InvocationResult spent(Outcome status, long promptTokens, long completionTokens, double costUsd,
                                  boolean replayed) {
        return new InvocationResult("TruthfulQA", "picksTheTrueOption", "q1", 0.0, 1, status, "A",
                promptTokens, completionTokens, costUsd, Duration.ofMillis(200), null, replayed);
    }
}
