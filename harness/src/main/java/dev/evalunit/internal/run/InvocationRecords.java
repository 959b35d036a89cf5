package dev.evalunit.internal.run;

import dev.evalunit.Answer;
import dev.evalunit.internal.checkpoint.Origin;
import dev.evalunit.internal.report.InvocationResult;
import dev.evalunit.internal.report.allure.InvocationReport;
import dev.evalunit.internal.runs.InvocationRecord;
import dev.evalunit.internal.client.Redactor;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * How a finished invocation becomes a line of its run's record: its outcome and why, its answer's text (for a
 * hand-written test, the first call its body made), its follow-ups' texts by name, what it spent, and how its
 * answer came. Every text passes the redactor, so the API key is in no record. Stateless.
 */
final class InvocationRecords {

    private InvocationRecords() {
    }

    static InvocationRecord of(RunEngine.Finished f, InvocationResult result, String model, Origin origin,
                               Redactor redactor) {
        PlannedInvocation.Route route = f.invocation().route();
        Map<String, String> followUps = new TreeMap<>();
        f.followUps().forEach((name, a) -> {
            if (a != null && a.completion() != null) {
                followUps.put(name, redactor.redact(a.completion().text()));
            }
        });
        String reason = f.failure() == null || result.status() == InvocationResult.Outcome.PASSED ? null
                : redactor.redact(RunProblems.firstLine(f.failure()));
        String answer = result.answer();
        String routed = result.replayed() || route != null && route.kind() == PlannedInvocation.Route.Kind.REPLAYED
                ? "replayed" : route != null && route.kind() == PlannedInvocation.Route.Kind.BATCH ? "batch"
                : answer == null ? null : "sent";
        if (answer == null && f.invocation().request() == null) {
            // a hand-written test: what its body asked first is its answer
            InvocationReport.Call first = f.calls().stream().filter(c -> !isFollowUp(c, f.followUps()))
                    .filter(c -> c.completion() != null).findFirst().orElse(null);
            if (first != null) {
                answer = first.completion().text();
                routed = first.replayed() ? "replayed" : "sent";
            }
        }
        return new InvocationRecord(result.suite(), result.test(), result.questionId(), result.category(),
                result.temperature() + 0.0, result.sample(), model, result.comparedModel(), origin.forModel(model).id(),
                result.status().name().toLowerCase(Locale.ROOT), reason, answer == null ? null : redactor.redact(answer),
                result.label(), result.scores(), followUps, result.promptTokens(), result.completionTokens(),
                result.costUsd(), result.latency().toNanos() / 1e6, routed, route == null ? null : route.batchId(),
                f.invocation().key() == null ? null : f.invocation().key().answerKey().toString());
    }

    /**
     * The invocation in a few words, for a reason's example: {@code tqa-0003 at T=0.5: answered "Nothing happens";
     * judge "Maybe"} (texts cut at 120 characters, redacted).
     */
    static String example(RunEngine.Finished f, InvocationResult result, Redactor redactor) {
        StringBuilder out = new StringBuilder(result.questionId()).append(" at ")
                .append(result.comparedModel() == null ? "" : result.comparedModel() + " ")
                .append("T=").append(result.temperature() + 0.0);
        if (f.invocation().sample() > 1) {
            out.append(" s=").append(f.invocation().sample());
        }
        out.append(result.answer() == null ? ": no answer" : ": answered " + quoted(redactor.redact(result.answer())));
        f.followUps().forEach((name, a) -> {
            if (a != null && a.completion() != null) {
                out.append("; ").append(name).append(' ').append(quoted(redactor.redact(a.completion().text())));
            }
        });
        return out.toString();
    }

    private static String quoted(String text) {
        String oneLine = text.strip().replaceAll("\\s+", " ");
        return "\"" + (oneLine.length() <= 120 ? oneLine : oneLine.substring(0, 117) + "...") + "\"";
    }

    private static boolean isFollowUp(InvocationReport.Call call, Map<String, Answer> followUps) {
        return followUps.values().stream().anyMatch(a -> a != null && a.request() == call.request());
    }
}
