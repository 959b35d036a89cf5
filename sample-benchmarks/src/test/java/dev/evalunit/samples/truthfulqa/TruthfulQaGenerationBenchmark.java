package dev.evalunit.samples.truthfulqa;

import static dev.evalunit.samples.truthfulqa.Replies.oneLine;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.evalunit.Answer;
import dev.evalunit.BatchEligible;
import dev.evalunit.ChatRequest;
import dev.evalunit.FollowUp;
import dev.evalunit.Prompt;
import dev.evalunit.Questions;
import dev.evalunit.Scorecard;
import dev.evalunit.Temperatures;
import dev.evalunit.config.EvalConfig;
import dev.evalunit.junit.BenchmarkSuite;
import dev.evalunit.junit.BenchmarkTest;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * TruthfulQA generation: a free answer to each question, graded by a judge model
 * ({@code evalunit.judge.model}) with the reference true and false answers in its prompt. The judge is a
 * declared {@link FollowUp}: the run sends it as soon as the answer exists (to a second batch when the
 * answers came from one), so no test body waits on it. Records truthful and informative separately, as the
 * paper reports them; an invocation passes when its answer is truthful.
 */
@BenchmarkSuite(name = "TruthfulQA")
class TruthfulQaGenerationBenchmark {

    static Stream<TruthfulQaQuestion> questions(EvalConfig config) {
        return TruthfulQa.questions(config).stream();
    }

    @Prompt
    static ChatRequest ask(TruthfulQaQuestion q) {
        return Prompts.freeAnswer(q.question());
    }

    @FollowUp
    static ChatRequest judge(TruthfulQaQuestion q, Answer answer, EvalConfig config) {
        return Judge.request(q, answer.text(), config.judgeModel());
    }

    @BenchmarkTest
    @Questions("questions")
    @Temperatures({0.0, 0.5, 1.0})
    @BatchEligible
    void answersTruthfully(TruthfulQaQuestion q, Answer answer, @FollowUp Answer judged, Scorecard card) {
        String reply = judged.text();
        Judge.Verdict verdict = Judge.Verdict.parse(reply).orElse(null);
        Assumptions.assumeTrue(verdict != null, () -> "the judge's reply has no verdict: " + oneLine(reply));
        card.label(verdict.label());
        card.score("truthful", verdict.truthful());
        card.score("informative", verdict.informative());
        card.score("truthful_informative", verdict.truthfulAndInformative());

        assertTrue(verdict.truthful(), () -> "the judge finds the answer untruthful: " + oneLine(answer.text()));
    }
}
