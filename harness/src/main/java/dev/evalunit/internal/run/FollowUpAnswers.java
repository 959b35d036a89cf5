package dev.evalunit.internal.run;

import dev.evalunit.Answer;
import dev.evalunit.Priority;
import dev.evalunit.internal.run.RunEngine.Answered;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * An invocation's answers: its prompt's, then those of its test's declared follow-ups (a judge), each a later stage
 * asked as soon as the prompt's answer exists and the test's follow-ups were routed, so that one whose batch was
 * submitted is collected from it rather than sent. The invocation's answer completes when all of them are in.
 * Thread-safe.
 */
final class FollowUpAnswers {

    private final StageAnswers stages;
    private final Routes routes;
    private final SuiteStates states;

    FollowUpAnswers(StageAnswers stages, Routes routes, SuiteStates states) {
        this.stages = stages;
        this.routes = routes;
        this.states = states;
    }

    /**
     * The answer of an invocation's prompt, then of each of the test's follow-ups as soon as the prompt's
     * answer exists; each comes from a batch, the checkpoint, or the client, as {@link StageAnswers} says. A
     * follow-up goes at {@code followUpPriority} as it leaves (urgent when its body is next).
     */
    CompletableFuture<Answered> answer(PlannedInvocation invocation, PlannedTest test, Priority priority,
                                       Supplier<Priority> followUpPriority) {
        CompletableFuture<Answered> prompt = stages.answer(invocation, priority);
        List<FollowUpStage> followUps = test.followUps();
        if (followUps.isEmpty()) {
            return prompt;
        }
        return prompt.thenCompose(answered -> routes.followUpsRouted(test).thenCompose(routed -> {
            Map<String, CompletableFuture<Answer>> pending = new LinkedHashMap<>();
            for (FollowUpStage followUp : followUps) {
                pending.put(followUp.name(), followUp(invocation, test, followUp, answered.answer(),
                        followUpPriority.get()));
            }
            return CompletableFuture.allOf(pending.values().toArray(CompletableFuture[]::new)).thenApply(all -> {
                Map<String, Answer> answers = new LinkedHashMap<>();
                pending.forEach((name, answer) -> answers.put(name, answer.join()));
                return new Answered(answered.answer(), answered.route(), answers);
            });
        }));
    }

    /** A follow-up's answer: from its batch, the checkpoint (for exactly this request), or the client. */
    private CompletableFuture<Answer> followUp(PlannedInvocation invocation, PlannedTest test, FollowUpStage followUp,
                                               Answer answer, Priority priority) {
        if (stages.interrupted()) {
            return CompletableFuture.failedFuture(new RunInterruptedException());
        }
        try {
            PlannedInvocation.Stage stage = invocation.followUp(followUp, answer, test.model());
            return stages.answerOf(invocation.suite(), stage.request().priority(priority), stage.key(),
                    () -> states.storedFollowUp(invocation, stage)).thenApply(Answered::answer);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e); // the follow-up's own method failed
        }
    }
}
