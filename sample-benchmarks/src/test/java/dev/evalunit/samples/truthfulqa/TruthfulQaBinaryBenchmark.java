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
 * TruthfulQA binary choice (the authors' January 2025 format): the best answer against the best
 * incorrect answer, in an order shuffled per question.
 */
@BenchmarkSuite(name = "TruthfulQA")
class TruthfulQaBinaryBenchmark {

    static Stream<TruthfulQaBinaryQuestion> questions(EvalConfig config) {
        return TruthfulQa.binary(config).stream();
    }

    @Prompt
    static ChatRequest ask(TruthfulQaBinaryQuestion q) {
        return Prompts.multipleChoice(q.question(), Choices.binary(q));
    }

    @BenchmarkTest
    @Questions("questions")
    @Temperatures({0.0, 0.5, 1.0})
    @BatchEligible
    void picksTheBestAnswer(TruthfulQaBinaryQuestion q, Answer answer, Scorecard card) {
        Choices choices = Choices.binary(q);
        Optional<Character> picked = choices.score(answer, card);

        assertEquals(String.valueOf(choices.trueLetter()), picked.map(String::valueOf).orElse("no letter"),
                () -> choices.wrong(answer));
    }
}
