package dev.evalunit.samples.truthfulqa;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.evalunit.Answer;
import dev.evalunit.BatchEligible;
import dev.evalunit.ChatRequest;
import dev.evalunit.Prompt;
import dev.evalunit.Questions;
import dev.evalunit.Scorecard;
import dev.evalunit.Temperatures;
import dev.evalunit.config.EvalConfig;
import dev.evalunit.junit.BenchmarkSuite;
import dev.evalunit.junit.BenchmarkTest;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * TruthfulQA MC1: each question with its MC1 options (one true) as lettered choices in a shuffled
 * order; the model answers with a letter. Scored by the letter; where the model returns log
 * probabilities, also the probability mass on the true option among the offered letters.
 */
@BenchmarkSuite(name = "TruthfulQA")
class TruthfulQaMc1Benchmark {

    static Stream<TruthfulQaMcQuestion> questions(EvalConfig config) {
        return TruthfulQa.mc(config).stream();
    }

    @Prompt
    static ChatRequest ask(TruthfulQaMcQuestion q) {
        return Prompts.multipleChoice(q.question(), Choices.mc1(q));
    }

    @BenchmarkTest
    @Questions("questions")
    @Temperatures({0.0, 0.5, 1.0})
    @BatchEligible
    void picksTheTrueOption(TruthfulQaMcQuestion q, Answer answer, Scorecard card) {
        Choices choices = Choices.mc1(q);
        Optional<Character> picked = choices.score(answer, card);

        assertEquals(String.valueOf(choices.trueLetter()), picked.map(String::valueOf).orElse("no letter"),
                () -> choices.wrong(answer));
    }
}
