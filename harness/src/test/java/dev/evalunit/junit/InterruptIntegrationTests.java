package dev.evalunit.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evalunit.Answer;
import dev.evalunit.ChatRequest;
import dev.evalunit.Prompt;
import dev.evalunit.QuestionRow;
import dev.evalunit.Questions;
import dev.evalunit.Temperatures;
import dev.evalunit.simulator.Latency;
import dev.evalunit.simulator.OpenAiSimulator;
import dev.evalunit.simulator.SimulatorOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C on a real JVM: a child runs a suite against this JVM's simulator and gets SIGINT part way;
 * every request it sent must be answered and saved, nothing more sent, and a second run must send
 * exactly the rest.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
class InterruptIntegrationTests {

    static final int QUESTIONS = 120;

    @AutoClose
    private final OpenAiSimulator simulator = OpenAiSimulator.start(SimulatorOptions.builder()
            .latency(Latency.fixed(Duration.ofMillis(300))).build());

    @TempDir
    Path state;

    record Row(String id, String text) implements QuestionRow {
    }

    @BenchmarkSuite(name = "Interrupted")
    static class InterruptedTestCase {
        static Stream<Row> rows() {
            return IntStream.rangeClosed(1, QUESTIONS).mapToObj(i -> new Row("q-" + i, "Question " + i + "\nA. yes\nB. no"));
        }

        @Prompt
        static ChatRequest ask(Row row) {
            return ChatRequest.user(row.text()).maxTokens(5);
        }

        @BenchmarkTest
        @Questions("rows")
        @Temperatures(0.0)
        void answers(Row row, Answer answer) {
            assertThat(answer.letter()).isPresent();
        }
    }

    private Map<String, String> parameters() {
        return Map.of(
                "evalunit.checkpoint.dir", state.toString(),
                "evalunit.progress", "off",
                "evalunit.openai.api-key", "sk-" + "test-interrupt0123456789abcdef",
                "evalunit.openai.base-url", simulator.baseUrl(),
                "evalunit.rate-limit.rpm", "600000",
                "evalunit.rate-limit.tpm", "100000000",
                "evalunit.rate-limit.max-concurrency", "8",
                "evalunit.retry.max-attempts", "1",
                "evalunit.shutdown-grace", "30s");
    }

    private long savedLines() {
        try (Stream<Path> files = Files.walk(state)) {
            return files.filter(f -> f.toString().endsWith(".jsonl")).mapToLong(f -> {
                try (Stream<String> lines = Files.lines(f)) {
                    return lines.filter(l -> !l.isBlank()).count();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    @Timeout(120)
    void ctrlCStopsSendingSavesEveryAnswerInFlightAndTheNextRunSendsOnlyTheRest() throws Exception {
        ChildRunProcess.Result interrupted;
        try (ChildRunProcess child = ChildRunProcess.start(List.of("-Xmx256m"), List.of(InterruptedTestCase.class),
                parameters(), null)) {
            assertThat(child.awaitStarted(Duration.ofSeconds(60))).as("the child started its tests").isTrue();
            while (savedLines() < 16) {
                assertThat(child.process().isAlive()).as("the child is still running").isTrue();
                Thread.sleep(20);
            }
            child.interrupt();
            interrupted = child.await(Duration.ofSeconds(60));
        }

        long sent = simulator.requests().chatRequests();
        long saved = savedLines();
        assertThat(interrupted.output()).anyMatch(line -> line.startsWith("evalunit: interrupted; stopped sending"));
        assertThat(saved).as("answers saved").isEqualTo(sent).isLessThan(QUESTIONS);

        simulator.reset();
        ChildRun.Summary resumed = ChildRun.execute(List.of(InterruptedTestCase.class.getName()), parameters());

        assertThat(resumed.succeeded()).isEqualTo(QUESTIONS);
        assertThat(simulator.requests().chatRequests()).as("requests of the second run").isEqualTo(QUESTIONS - saved);
    }
}
