package dev.evalunit.internal.run;

import dev.evalunit.Answer;
import dev.evalunit.ChatRequest;
import dev.evalunit.Completion;
import dev.evalunit.internal.batch.BatchItem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The follow-up requests of an invocation, as batch items, known before its body runs: built from its stored answer
 * (those not stored themselves), or, for an invocation without an answer yet, from an answer as long as its
 * request's {@code max_tokens} allows, which is what the estimates assume. Routing sends the first to a batch;
 * estimates count and price both. A follow-up that cannot be built is left out: the invocation meets its failure
 * when it runs, and fails with it there. Stateless.
 */
final class FollowUpRequests {

    /** The answer length the estimate assumes for a request without {@code max_tokens}. */
    static final int UNBOUNDED_ANSWER_TOKENS = 512;

    private FollowUpRequests() {
    }

    /** The follow-ups of {@code invocation}'s stored {@code answer} that are not stored themselves. */
    static List<BatchItem> ofStored(SuiteStates states, PlannedTest test, PlannedInvocation invocation,
                                    Completion answer) {
        return stages(test, invocation, new Answer(invocation.request(), answer, true)).stream()
                .filter(stage -> states.storedFollowUp(invocation, stage).isEmpty())
                .map(stage -> new BatchItem(stage.key(), stage.request())).toList();
    }

    /**
     * The follow-ups an invocation without an answer will send, as the estimate assumes them: built from an
     * answer as long as its request's {@code max_tokens} allows ({@value #UNBOUNDED_ANSWER_TOKENS} tokens when it
     * sets none). Empty when it has none.
     */
    static List<BatchItem> guessed(PlannedTest test, PlannedInvocation invocation) {
        if (test.followUps().isEmpty()) {
            return List.of();
        }
        ChatRequest request = invocation.request();
        int tokens = request.maxTokens() != null ? request.maxTokens() : UNBOUNDED_ANSWER_TOKENS;
        String longest = " word".repeat(tokens).strip();
        Completion guess = new Completion(longest, List.of(longest), "length", test.model(), 0, tokens, 0,
                Duration.ZERO, Duration.ZERO, 1, null, null, 0, List.of());
        return stages(test, invocation, new Answer(request, guess, false)).stream()
                .map(stage -> new BatchItem(stage.key(), stage.request())).toList();
    }

    /** The stages of {@code test}'s follow-ups of {@code answer}, but for those that cannot be built from it. */
    private static List<PlannedInvocation.Stage> stages(PlannedTest test, PlannedInvocation invocation, Answer answer) {
        List<PlannedInvocation.Stage> stages = new ArrayList<>();
        for (FollowUpStage followUp : test.followUps()) {
            try {
                stages.add(invocation.followUp(followUp, answer, test.model()));
            } catch (RuntimeException failing) {
                // the invocation meets it again when it runs, and fails with it there
            }
        }
        return stages;
    }
}
