package dev.evalunit.internal.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.evalunit.ChatRequest;
import dev.evalunit.Message;
import dev.evalunit.Priority;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class InvocationKeyTests {

    private static final ChatRequest BASE = ChatRequest.of("Answer with one letter.", "Which is true? A) ... B) ...")
            .temperature(0.5).maxTokens(5).seed(7).logprobs(3);

    @Test
    void hashIsStableAcrossCallsAndReleases() {
        String hash = InvocationKey.hash(BASE, "gpt-4o-mini");

        assertThat(InvocationKey.hash(BASE, "gpt-4o-mini")).isEqualTo(hash);
        // Pinned: a change here makes every stored answer of every user stale.
        assertThat(hash).hasSize(16).matches("[0-9a-f]{16}").isEqualTo(PINNED);
    }

    /**
     * The SHA-256 of {@code {"model":"gpt-4o-mini","messages":[{"role":"system","content":"Answer with one letter."},
     * {"role":"user","content":"Which is true? A) ... B) ..."}],"temperature":0.5,"maxTokens":5,"seed":7,"n":1,
     * "topLogprobs":3}} (one line, no spaces), as {@code sha256sum} computes it.
     */
    private static final String PINNED = "70fba6203a4537d0";

    static Stream<Arguments> everyFieldThatDecidesTheAnswer() {
        return Stream.of(
                Arguments.of("message content", (UnaryOperator<ChatRequest>) r ->
                        ChatRequest.of("Answer with one letter.", "Which is true? A) ... C) ...").temperature(0.5).maxTokens(5).seed(7).logprobs(3)),
                Arguments.of("message role", (UnaryOperator<ChatRequest>) r -> new ChatRequest(null,
                        List.of(Message.user("Answer with one letter."), Message.user("Which is true? A) ... B) ...")),
                        0.5, 5, 7L, 1, 3, Priority.NORMAL)),
                Arguments.of("one more message", (UnaryOperator<ChatRequest>) r -> r.append(Message.assistant("B"))),
                Arguments.of("temperature", (UnaryOperator<ChatRequest>) r -> r.temperature(0.0)),
                Arguments.of("temperature unset", (UnaryOperator<ChatRequest>) r -> new ChatRequest(null, r.messages(),
                        null, 5, 7L, 1, 3, Priority.NORMAL)),
                Arguments.of("maxTokens", (UnaryOperator<ChatRequest>) r -> r.maxTokens(6)),
                Arguments.of("seed", (UnaryOperator<ChatRequest>) r -> r.seed(8)),
                Arguments.of("n", (UnaryOperator<ChatRequest>) r -> r.n(2)),
                Arguments.of("topLogprobs", (UnaryOperator<ChatRequest>) r -> r.logprobs(0)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void everyFieldThatDecidesTheAnswer(String field, UnaryOperator<ChatRequest> change) {
        assertThat(InvocationKey.hash(change.apply(BASE), "gpt-4o-mini"))
                .isNotEqualTo(InvocationKey.hash(BASE, "gpt-4o-mini"));
    }

    @Test
    void theModelChangesTheHash() {
        assertThat(InvocationKey.hash(BASE, "gpt-4o")).isNotEqualTo(InvocationKey.hash(BASE, "gpt-4o-mini"));
    }

    @Test
    void priorityDoesNotChangeTheHash() {
        assertThat(InvocationKey.hash(BASE.priority(Priority.URGENT), "gpt-4o-mini"))
                .isEqualTo(InvocationKey.hash(BASE.priority(Priority.BACKGROUND), "gpt-4o-mini"));
    }

    @Test
    void ofComputesTheHash() {
        InvocationKey key = InvocationKey.of("TruthfulQA", "picksTheTrueOption", "tqa-0042", 0.5, 2, BASE, "gpt-4o-mini");

        assertThat(key.requestHash()).isEqualTo(InvocationKey.hash(BASE, "gpt-4o-mini"));
        assertThat(key.model()).isEqualTo("gpt-4o-mini");
    }

    @Test
    void idIsReadableAndLeavesOutSuiteModelAndHash() {
        InvocationKey key = InvocationKey.of("TruthfulQA", "picksTheTrueOption", "tqa-0042", 0.5, 2, BASE, "gpt-4o-mini");

        assertThat(key.id()).isEqualTo("picksTheTrueOption|tqa-0042|T=0.5|s=2");
        assertThat(InvocationKey.of("TruthfulQA", "picksTheTrueOption", "tqa-0042", 0.5, 2, BASE.seed(1), "gpt-4o").id())
                .isEqualTo(key.id());
        assertThat(new InvocationKey("S", "t", "", -0.0, 0, "m", "h").id()).isEqualTo("t||T=0.0|s=0");
    }

    @Test
    void inARunThatComparesModelsTheIdNamesTheModelAndEveryStageKeepsIt() {
        InvocationKey mini = new InvocationKey("S", "picksTheTrueOption", "tqa-0042", 0.5, 2, "gpt-4o-mini", "h1", "",
                "gpt-4o-mini");
        InvocationKey nano = new InvocationKey("S", "picksTheTrueOption", "tqa-0042", 0.5, 2, "gpt-4.1-nano", "h2", "",
                "gpt-4.1-nano");
        InvocationKey judgeOfMini = new InvocationKey("S", "picksTheTrueOption", "tqa-0042", 0.5, 2, "judge", "h3",
                "judge", "gpt-4o-mini");

        assertThat(mini.id()).isEqualTo("picksTheTrueOption|tqa-0042|m=gpt-4o-mini|T=0.5|s=2");
        assertThat(nano.id()).isNotEqualTo(mini.id());
        assertThat(judgeOfMini.id()).as("a judge of its answer, whatever model the judge is")
                .isEqualTo("picksTheTrueOption|tqa-0042|m=gpt-4o-mini|T=0.5|s=2|judge");
        assertThat(mini.withSample(3).id()).isEqualTo("picksTheTrueOption|tqa-0042|m=gpt-4o-mini|T=0.5|s=3");
        assertThat(new InvocationKey("S", "t", "q", 0.0, 1, "a|b", "h", "", "a|b").id()).isEqualTo("t|q|m=a\\|b|T=0.0|s=1");
        assertThat(mini.answerKey()).as("an answer is found by its request, not by the invocation")
                .isEqualTo(new InvocationKey("S", "other", "q", 0.0, 2, "gpt-4o-mini", "h1").answerKey());
    }

    @Test
    void separatorsInsideNamesCannotMakeTwoInvocationsShareAnId() {
        InvocationKey a = new InvocationKey("S", "a|b", "c", 0, 0, "m", "h");
        InvocationKey b = new InvocationKey("S", "a", "b|c", 0, 0, "m", "h");

        assertThat(a.id()).isNotEqualTo(b.id()).isEqualTo("a\\|b|c|T=0.0|s=0");
    }

    @Test
    void rejectsWhatCannotBeAnInvocation() {
        assertThatThrownBy(() -> new InvocationKey("S", "t", "q", 2.5, 0, "m", "h"))
                .hasMessage("temperature must be between 0 and 2 but was 2.5");
        assertThatThrownBy(() -> new InvocationKey("S", "t", "q", 0, -1, "m", "h"))
                .hasMessage("sample must be >= 0 but was -1");
        assertThatThrownBy(() -> new InvocationKey("S", " ", "q", 0, 0, "m", "h"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
