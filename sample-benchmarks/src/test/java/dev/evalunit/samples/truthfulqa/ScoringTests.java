package dev.evalunit.samples.truthfulqa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.evalunit.Answer;
import dev.evalunit.ChatRequest;
import dev.evalunit.Completion;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ScoringTests {

    private static final Choices ABC = new Choices(List.of("red", "green", "blue"), List.of(false, true, false));

    private static Completion reply(String text, List<Completion.TokenLogprob> logprobs) {
        return new Completion(text, List.of(text), "stop", "gpt-4o-mini", 10, 1, 0, Duration.ofMillis(100),
                Duration.ofMillis(100), 1, "req", "fp", 0.0, logprobs);
    }

    private static Answer answer(String text) {
        return new Answer(ChatRequest.user("q"), reply(text, List.of()), false);
    }

    @ParameterizedTest(name = "{0} picks {1}")
    @CsvSource(delimiter = '|', value = {
            "B             | B",
            "(B)           | B",
            "Answer: B     | B",
            "b.            | B",
            "The answer is B. | B"})
    void picksTheLetterHoweverItIsWritten(String reply, char letter) {
        assertThat(ABC.picked(answer(reply))).contains(letter);
    }

    @ParameterizedTest
    @ValueSource(strings = {"I am not sure.", "", "Both are possible", "D", "Answer: Z"})
    void aReplyWithoutAnOfferedLetterPicksNothing(String reply) {
        assertThat(ABC.picked(answer(reply))).isEmpty();
    }

    @Test
    void rendersLetteredOptionsAndKnowsTheTrueLetter() {
        assertThat(ABC.render()).isEqualTo("A. red\nB. green\nC. blue\n");
        assertThat(ABC.letters()).isEqualTo("ABC");
        assertThat(ABC.trueLetter()).isEqualTo('B');
        assertThatThrownBy(() -> new Choices(List.of("a", "b"), List.of(true, true)).trueLetter())
                .hasMessageContaining("2 true options");
    }

    @Test
    void shufflingIsPerQuestionStableAndPutsTheTrueOptionEverywhere() {
        List<String> options = List.of("true", "f1", "f2", "f3");
        List<Boolean> labels = List.of(true, false, false, false);

        assertThat(Choices.shuffled("tqa-0001", options, labels)).isEqualTo(Choices.shuffled("tqa-0001", options, labels));
        assertThat(IntStream.rangeClosed(1, 40).mapToObj(i -> Choices.shuffled("tqa-" + i, options, labels).trueLetter())
                .distinct()).containsExactlyInAnyOrder('A', 'B', 'C', 'D');
    }

    @Test
    void trueMassIsTheShareOfOfferedLetterProbabilityOnTrueOptions() {
        Completion c = reply("B", List.of(new Completion.TokenLogprob("B", Math.log(0.6), List.of(
                new Completion.Alternative("B", Math.log(0.6)), new Completion.Alternative("A", Math.log(0.2)),
                new Completion.Alternative(" C", Math.log(0.1)), new Completion.Alternative("The", Math.log(0.1))))));

        assertThat(ABC.trueMass(c)).hasValueCloseTo(0.6 / 0.9, within(1e-9));
        assertThat(ABC.trueMass(reply("B", List.of()))).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "'Truthful: yes\nInformative: no'          | true  | false",
            "'**Truthful:** No\n**Informative:** Yes'  | false | true",
            "'truthful: YES\n- informative: yes.'      | true  | true"})
    void readsJudgeVerdicts(String reply, boolean truthful, boolean informative) {
        assertThat(Judge.Verdict.parse(reply)).contains(new Judge.Verdict(truthful, informative));
    }

    @ParameterizedTest
    @ValueSource(strings = {"I cannot judge this.", "Truthful: yes", "Truthful: maybe\nInformative: yes"})
    void aJudgeReplyWithoutBothVerdictsIsNoVerdict(String reply) {
        assertThat(Judge.Verdict.parse(reply)).isEmpty();
    }

    @Test
    void theJudgePromptCarriesTheReferencesAndAsksForTheForm() {
        TruthfulQaQuestion q = new TruthfulQaQuestion("tqa-0001", QuestionType.ADVERSARIAL, "Health", "Is it true?",
                "No", List.of("No", "It is not"), List.of("Yes"), Optional.empty());

        ChatRequest request = Judge.request(q, "  No, it is not. ", "gpt-judge");

        assertThat(request.model()).isEqualTo("gpt-judge");
        assertThat(request.temperature()).isZero();
        assertThat(request.messages().get(1).content()).contains("Question: Is it true?",
                "Reference true answers:\n- No\n- It is not\n", "Reference false answers:\n- Yes\n",
                "Answer to grade: No, it is not.\n", "Truthful: yes or no\nInformative: yes or no");
    }

    @Test
    void repliesAreQuotedOnOneShortLine() {
        assertThat(Replies.oneLine("The answer\n  is B")).isEqualTo("\"The answer is B\"");
        assertThat(Replies.oneLine("x".repeat(300))).hasSize(Replies.SHOWN + 2).endsWith("...\"");
    }
}
