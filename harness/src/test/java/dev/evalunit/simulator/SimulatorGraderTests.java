package dev.evalunit.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evalunit.simulator.SimulatedRequest.Message;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model-graded suite runs end to end offline: the simulator answers the common grader formats, or a project's own answerer. */
class SimulatorGraderTests {

    private static SimulatedRequest asking(String text) {
        return new SimulatedRequest("gpt-4o-mini", List.of(new Message(Message.Role.USER, text)), 0.0, null, 1, null);
    }

    /** How often each reply comes over 300 seeds. */
    private static Map<String, Long> replies(Answerer answerer, String text) {
        return IntStream.range(0, 300).mapToObj(seed -> answerer.answer(asking(text), 0, new Random(seed)))
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    @Test
    void aGraderThatNamesItsVerdictsGetsOneOfThemMostlyCorrect() {
        Map<String, Long> replies = replies(Answerer.defaults(), "Gold: Paris\nPredicted: Lyon\n"
                + "Grade the predicted answer. Reply with one word: CORRECT, INCORRECT or NOT_ATTEMPTED.");

        assertThat(replies).containsOnlyKeys("CORRECT", "INCORRECT", "NOT_ATTEMPTED");
        assertThat(replies.get("CORRECT")).as("two in three").isBetween(170L, 230L);
        assertThat(replies(Answerer.defaults(), "Is the answer CORRECT or INCORRECT?")).containsOnlyKeys("CORRECT", "INCORRECT");
    }

    @Test
    void aGraderThatLettersItsVerdictsGetsALetter() {
        Map<String, Long> replies = replies(Answerer.defaults(), "Grade the predicted answer as one of:\nA: CORRECT\n"
                + "B: INCORRECT\nC: NOT_ATTEMPTED\nJust return the letters \"A\", \"B\", or \"C\", with no text around it.");

        assertThat(replies).containsOnlyKeys("A", "B", "C");
    }

    @Test
    void aYesOrNoQuestionGetsYesOrNo() {
        assertThat(replies(Answerer.defaults(), "Is Canberra the capital of Australia?\nAnswer yes or no."))
                .containsOnlyKeys("Yes", "No");
        assertThat(replies(Answerer.defaults(), "Does the answer match the gold answer? (yes/no)")).containsOnlyKeys("Yes", "No");
    }

    @Test
    void wordsInsideOthersAndOrdinaryPromptsAreNoGrade() {
        assertThat(DefaultAnswerer.grade("INCORRECTLY spelt, CORRECTED later", new Random(1))).isEmpty();
        assertThat(Answerer.defaults().answer(asking("Q: What is the capital of France?\nA:"), 0, new Random(1)))
                .startsWith("Simulated answer ");
    }

    /** A project's own answerer: knows one capital, leaves the rest to the next. */
    public static final class CapitalsAnswerer implements Answerer {
        @Override
        public String answer(SimulatedRequest request, int choiceIndex, Random random) {
            return request.lastUserMessage().contains("capital of France") ? "Paris" : null;
        }
    }

    @Test
    void anAnswererRegisteredOnTheClassPathIsAskedFirstAndLeavesTheRestToTheDefault(@TempDir Path dir) throws IOException {
        Path services = Files.createDirectories(dir.resolve("META-INF/services"));
        Files.writeString(services.resolve(Answerer.class.getName()), CapitalsAnswerer.class.getName() + "\n");
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, before)) {
            thread.setContextClassLoader(loader);
            Answerer answerer = Answerer.registered();

            assertThat(answerer.answer(asking("What is the capital of France?"), 0, new Random(1))).isEqualTo("Paris");
            assertThat(answerer.answer(asking("Pick one:\nA. red\nB. blue"), 0, new Random(1))).isIn("A", "B");
        } finally {
            thread.setContextClassLoader(before);
        }
    }

    @Test
    void withNoneRegisteredTheDefaultAnswers() {
        assertThat(Answerer.registered()).isSameAs(Answerer.defaults());
    }
}
