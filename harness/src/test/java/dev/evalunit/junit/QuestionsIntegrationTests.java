package dev.evalunit.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.evalunit.Answer;
import dev.evalunit.ChatRequest;
import dev.evalunit.Prompt;
import dev.evalunit.QuestionRow;
import dev.evalunit.Questions;
import dev.evalunit.config.EvalConfig;
import dev.evalunit.dataset.DatasetFile;
import dev.evalunit.dataset.DatasetLocator;
import dev.evalunit.internal.report.BuildOutcome;
import dev.evalunit.simulator.OpenAiSimulator;
import dev.evalunit.simulator.SimulatorOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * Questions that cannot make a result are refused before anything is sent, naming what is wrong and where:
 * ids given to two rows, a source with no rows, ids asked for that no test has.
 */
class QuestionsIntegrationTests {

    static final String HEADER_ONLY = "id,claim\n";
    static OpenAiSimulator simulator;

    @TempDir
    Path state;

    @BeforeEach
    void start() {
        simulator = OpenAiSimulator.start(SimulatorOptions.defaults());
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    record Claim(String id, String text) implements QuestionRow {
        static final DatasetFile EMPTY = DatasetFile.of("claims/empty.csv", "https://example.org/empty.csv",
                RunRecordIntegrationTests.sha256(HEADER_ONLY));

        static List<Claim> read(EvalConfig config) {
            try {
                return Files.readAllLines(DatasetLocator.from(config).locate(EMPTY)).stream().skip(1)
                        .map(line -> line.split(",", 2)).map(cells -> new Claim(cells[0], cells[1])).toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @BenchmarkSuite(name = "Claims", temperatures = 0.0)
    static class DuplicatedTestCase {
        static Stream<Claim> claims() {
            Stream<Claim> twelve = IntStream.rangeClosed(1, 10).mapToObj(i -> new Claim("h" + i, "Claim " + i + "?"));
            return Stream.concat(twelve, Stream.of(new Claim("h3", "Another claim?"), new Claim("h7", "Yet another?")));
        }

        @Prompt
        static ChatRequest ask(Claim claim) {
            return ChatRequest.user(claim.text());
        }

        @BenchmarkTest
        @Questions("claims")
        void detects(Claim claim, Answer answer) {
        }
    }

    @BenchmarkSuite(name = "Claims", temperatures = 0.0)
    static class EmptyTestCase {
        static List<Claim> claims(EvalConfig config) {
            return Claim.read(config);
        }

        @Prompt
        static ChatRequest ask(Claim claim) {
            return ChatRequest.user(claim.text());
        }

        @BenchmarkTest
        @Questions("claims")
        void detects(Claim claim, Answer answer) {
        }
    }

    @BenchmarkSuite(name = "Claims", temperatures = 0.0)
    static class SoundTestCase {
        static Stream<Claim> claims() {
            return IntStream.rangeClosed(1, 12).mapToObj(i -> new Claim("h" + i, "Claim " + i + "?"));
        }

        @Prompt
        static ChatRequest ask(Claim claim) {
            return ChatRequest.user(claim.text());
        }

        @BenchmarkTest
        @Questions("claims")
        void detects(Claim claim, Answer answer) {
        }
    }

    @BenchmarkSuite(name = "Claims", temperatures = 0.0)
    static class UnreadableTestCase {
        /** A reader that fails as its rows are read, after it returned: what a lazy CSV reader does. */
        static Stream<Claim> claims() {
            return Stream.of("id,claim").map(header -> {
                throw new UncheckedIOException(new IOException("Empty header line: can not bind data"));
            });
        }

        @Prompt
        static ChatRequest ask(Claim claim) {
            return ChatRequest.user(claim.text());
        }

        @BenchmarkTest
        @Questions("claims")
        void detects(Claim claim, Answer answer) {
        }
    }

    private EngineExecutionResults run(Class<?> fixture, Map<String, String> more) {
        Map<String, String> p = new HashMap<>(Map.of(
                "evalunit.checkpoint.dir", state.resolve("benchmark-state").toString(),
                "evalunit.results.dir", state.resolve("results").toString(),
                "evalunit.datasets.dir", state.resolve("data").toString(),
                "evalunit.datasets.download", "false",
                "evalunit.progress", "off",
                "evalunit.allure", "false",
                "evalunit.openai.api-key", "sk-" + "test-questions0123456789abcdef",
                "evalunit.openai.base-url", simulator.baseUrl()));
        p.putAll(more);
        return EngineTestKit.engine("junit-jupiter").configurationParameters(p).selectors(selectClass(fixture)).execute();
    }

    private String verdict() {
        BuildOutcome.Verdict verdict = BuildOutcome.Verdict.read(state.resolve("results").resolve("verdict.json"));
        assertThat(verdict.passed()).isFalse();
        return verdict.reason();
    }

    private static String failure(EngineExecutionResults results) {
        return results.containerEvents().failed().stream().map(e -> e.getPayload(
                org.junit.platform.engine.TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow()
                .getMessage()).filter(m -> m.startsWith("evalunit: the run failed")).findFirst().orElseThrow();
    }

    @Test
    void idsGivenToTwoRowsFailTheTestNamingThemAndTheirRowsBeforeAnythingIsSent() {
        EngineExecutionResults results = run(DuplicatedTestCase.class, Map.of());

        assertThat(failure(results)).contains("@Questions(\"claims\") of Claims · DuplicatedTestCase.detects gives 2 ids "
                + "to more than one row: h3 (rows 3, 11), h7 (rows 7, 12) of its 12 rows");
        assertThat(verdict()).contains("DuplicatedTestCase.detects could not be planned");
        assertThat(simulator.requests().chatRequests()).isZero();
    }

    @Test
    void aSourceWithNoRowsSaysSoAndNamesTheFileItRead() throws IOException {
        Files.createDirectories(state.resolve("data/claims"));
        Files.writeString(state.resolve("data/claims/empty.csv"), HEADER_ONLY);

        EngineExecutionResults results = run(EmptyTestCase.class, Map.of());

        assertThat(failure(results)).contains("@Questions(\"claims\") of Claims · EmptyTestCase.detects returned 0 rows, "
                + "so the test has no question to ask; it read claims/empty.csv (" + state.resolve("data/claims/empty.csv")
                + ")").doesNotContain("check -Dsuite");
    }

    @Test
    void aReadersExceptionIsTheRunsFailureInFullNotOnlyTheTests() {
        EngineExecutionResults results = run(UnreadableTestCase.class, Map.of());

        assertThat(failure(results)).contains("UnreadableTestCase.detects could not be planned: "
                + "java.io.IOException: Empty header line: can not bind data");
        assertThat(simulator.requests().chatRequests()).isZero();
    }

    @Test
    void aQuestionNoTestHasIsNamedWithTheNearestThereAre() {
        EngineExecutionResults results = run(SoundTestCase.class, Map.of("evalunit.question", "h0,h13"));

        assertThat(failure(results)).contains("no benchmark invocation ran: evalunit.question names questions no test "
                + "has: h0 (nearest: h1, h2, h3); h13 (nearest: h1, h3, h10)");
        assertThat(simulator.requests().chatRequests()).isZero();
    }
}
