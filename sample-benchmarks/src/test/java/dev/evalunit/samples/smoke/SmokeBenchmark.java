package dev.evalunit.samples.smoke;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evalunit.ChatRequest;
import dev.evalunit.LlmClient;
import dev.evalunit.Temperature;
import dev.evalunit.junit.BenchmarkSuite;
import dev.evalunit.junit.BenchmarkTest;

/**
 * A few factual questions written by hand, one method each, as a scientist writes a quick check
 * and runs one of them from an IDE. Each runs once per temperature with the shared client.
 * {@code mvn test -Dsuite=Smoke}; on the simulator the answers are made up, so they fail.
 */
@BenchmarkSuite(name = "Smoke", temperatures = {0.0, 1.0})
class SmokeBenchmark {

    private static String ask(LlmClient llm, String question, Temperature t) {
        return llm.generate(ChatRequest.user(question + " Answer in a few words.").temperature(t.value()).maxTokens(20))
                .text();
    }

    @BenchmarkTest
    void capitalOfAustralia(Temperature t, LlmClient llm) {
        assertThat(ask(llm, "What is the capital of Australia?", t)).containsIgnoringCase("Canberra");
    }

    @BenchmarkTest
    void chemicalSymbolOfGold(Temperature t, LlmClient llm) {
        assertThat(ask(llm, "What is the chemical symbol of gold?", t)).contains("Au");
    }

    @BenchmarkTest
    void legsOfASpider(Temperature t, LlmClient llm) {
        assertThat(ask(llm, "How many legs does a spider have?", t)).containsAnyOf("8", "eight", "Eight");
    }

    @BenchmarkTest
    void authorOfPrideAndPrejudice(Temperature t, LlmClient llm) {
        assertThat(ask(llm, "Who wrote Pride and Prejudice?", t)).containsIgnoringCase("Austen");
    }
}
