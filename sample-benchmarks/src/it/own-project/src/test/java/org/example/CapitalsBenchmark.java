package org.example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.evalunit.Answer;
import dev.evalunit.ChatRequest;
import dev.evalunit.FollowUp;
import dev.evalunit.Metric;
import dev.evalunit.Prompt;
import dev.evalunit.Questions;
import dev.evalunit.Scorecard;
import dev.evalunit.Temperatures;
import dev.evalunit.config.EvalConfig;
import dev.evalunit.junit.BenchmarkSuite;
import dev.evalunit.junit.BenchmarkTest;
import java.util.List;
import java.util.Map;

/** A model-graded suite: the model answers, a grader model says CORRECT, INCORRECT or NOT_ATTEMPTED. */
@BenchmarkSuite(name = "Capitals")
class CapitalsBenchmark {

    static List<Capital> questions(EvalConfig config) {
        return Capital.read(config);
    }

    @Prompt
    static ChatRequest ask(Capital q) {
        return ChatRequest.user(q.text() + " Answer with the city only.").maxTokens(20);
    }

    @FollowUp
    static ChatRequest grade(Capital q, Answer answer) {
        return ChatRequest.user("Question: " + q.text() + "\nGold answer: " + q.capital() + "\nPredicted answer: "
                + answer.text() + "\nGrade the predicted answer. Reply with one word: CORRECT, INCORRECT or "
                + "NOT_ATTEMPTED.").temperature(0.0).maxTokens(5);
    }

    @BenchmarkTest
    @Questions("questions")
    @Temperatures({0.0, 1.0})
    void knowsTheCapital(Capital q, Answer answer, @FollowUp Answer graded, Scorecard card) {
        String grade = graded.text().strip();
        card.label(grade);
        card.score("correct", grade.equals("CORRECT"));
        card.score("attempted", !grade.equals("NOT_ATTEMPTED"));
        assertEquals("CORRECT", grade, () -> q.country() + ": " + answer.text());
    }

    /** SimpleQA's F1: the harmonic mean of correct and correct-given-attempted, per temperature and category. */
    @Metric("f1")
    static double f1(Map<String, Double> means) {
        double correct = means.get("correct");
        double givenAttempted = correct / means.get("attempted");
        return 2 * correct * givenAttempted / (correct + givenAttempted);
    }
}
