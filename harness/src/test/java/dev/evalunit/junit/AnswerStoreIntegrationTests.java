package dev.evalunit.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.evalunit.Answer;
import dev.evalunit.ChatRequest;
import dev.evalunit.Prompt;
import dev.evalunit.QuestionRow;
import dev.evalunit.Questions;
import dev.evalunit.Samples;
import dev.evalunit.Scorecard;
import dev.evalunit.simulator.OpenAiSimulator;
import dev.evalunit.simulator.SimulatorOptions;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * Every answer kept, found by what was asked: a second model does not erase the first's answers, a rewritten
 * scorer re-scores without re-generating, and a request asked twice in one run is sent once.
 */
class AnswerStoreIntegrationTests {

    static final int ROWS = 5;
    static final List<String> scored = new CopyOnWriteArrayList<>();
    static OpenAiSimulator simulator;

    @TempDir
    Path state;

    @BeforeEach
    void start() {
        simulator = OpenAiSimulator.start(SimulatorOptions.defaults());
        scored.clear();
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    record Row(String id, String text) implements QuestionRow {
        static Stream<Row> rows() {
            return IntStream.rangeClosed(1, ROWS).mapToObj(i -> new Row("h" + i, "Is claim " + i + " true?\nA. yes\nB. no"));
        }
    }

    /** A suite as first written: the answer must be A. */
    @BenchmarkSuite(name = "Claims", temperatures = {0.0, 1.0})
    static class ClaimsTestCase {
        static Stream<Row> rows() {
            return Row.rows();
        }

        @Prompt
        static ChatRequest ask(Row row) {
            return ChatRequest.user(row.text()).maxTokens(5);
        }

        @BenchmarkTest
        @Questions("rows")
        void saysYes(Row row, Answer answer, Scorecard card) {
            card.score("yes", answer.letter().filter(l -> l == 'A').isPresent());
            scored.add(row.id());
        }
    }

    /** The same suite with its scorer rewritten (another method, another rule), asking the same requests. */
    @BenchmarkSuite(name = "Claims", temperatures = {0.0, 1.0})
    static class RescoredClaimsTestCase {
        static Stream<Row> rows() {
            return Row.rows();
        }

        @Prompt
        static ChatRequest ask(Row row) {
            return ChatRequest.user(row.text()).maxTokens(5);
        }

        @BenchmarkTest
        @Questions("rows")
        void picksALetter(Row row, Answer answer, Scorecard card) {
            card.score("letter", answer.letter().isPresent());
            scored.add(row.id());
        }
    }

    /** Two tests of one class asking the same requests, with samples: each distinct request is sent once. */
    @BenchmarkSuite(name = "Twice", temperatures = {1.0})
    static class TwiceTestCase {
        static Stream<Row> rows() {
            return Row.rows();
        }

        @Prompt
        static ChatRequest ask(Row row) {
            return ChatRequest.user(row.text()).maxTokens(5);
        }

        @BenchmarkTest
        @Questions("rows")
        @Samples(2)
        void first(Row row, Answer answer) {
            scored.add("first " + row.id() + " " + answer.text());
        }

        @BenchmarkTest
        @Questions("rows")
        @Samples(2)
        void second(Row row, Answer answer) {
            scored.add("second " + row.id() + " " + answer.text());
        }
    }

    private EngineExecutionResults run(Class<?> fixture, Map<String, String> more) {
        Map<String, String> p = new HashMap<>(Map.of(
                "evalunit.checkpoint.dir", state.toString(),
                "evalunit.results.dir", state.resolve("results").toString(),
                "evalunit.progress", "off",
                "evalunit.allure", "false",
                "evalunit.openai.api-key", "sk-" + "test-answerstore0123456789",
                "evalunit.openai.base-url", simulator.baseUrl()));
        p.putAll(more);
        return EngineTestKit.engine("junit-jupiter").configurationParameters(p).selectors(selectClass(fixture)).execute();
    }

    @Test
    void aModelThenAnotherThenTheFirstAgainSendsNothingTheThirdTime() {
        run(ClaimsTestCase.class, Map.of("evalunit.model", "gpt-4.1-mini"))
                .testEvents().assertStatistics(stats -> stats.succeeded(2 * ROWS));
        assertThat(simulator.requests().chatRequests()).isEqualTo(2 * ROWS);

        simulator.reset();
        run(ClaimsTestCase.class, Map.of("evalunit.model", "gpt-4o-mini"))
                .testEvents().assertStatistics(stats -> stats.succeeded(2 * ROWS));
        assertThat(simulator.requests().chatRequests()).as("the second model's requests").isEqualTo(2 * ROWS);

        simulator.reset();
        run(ClaimsTestCase.class, Map.of("evalunit.model", "gpt-4.1-mini"))
                .testEvents().assertStatistics(stats -> stats.succeeded(2 * ROWS));
        assertThat(simulator.requests().chatRequests()).as("the first model again: every answer stored").isZero();
    }

    @Test
    void aRewrittenScorerThatAsksTheSameRequestsSendsNothing() {
        run(ClaimsTestCase.class, Map.of()).testEvents().assertStatistics(stats -> stats.succeeded(2 * ROWS));
        simulator.reset();
        scored.clear();

        run(RescoredClaimsTestCase.class, Map.of()).testEvents().assertStatistics(stats -> stats.succeeded(2 * ROWS));

        assertThat(scored).hasSize(2 * ROWS);
        assertThat(simulator.requests().chatRequests()).as("re-scored without re-generating").isZero();
    }

    @Test
    void identicalRequestsOfOneRunAreSentOnceAndSamplesStayDistinct() {
        run(TwiceTestCase.class, Map.of("evalunit.samples.mode", "requests"))
                .testEvents().assertStatistics(stats -> stats.succeeded(2 * 2 * ROWS));

        // two samples of each question, asked by both tests: 2 distinct requests per question, not 4
        assertThat(simulator.requests().chatRequests()).isEqualTo(2 * ROWS);
        for (int i = 1; i <= ROWS; i++) {
            String id = " h" + i + " ";
            List<String> first = scored.stream().filter(s -> s.startsWith("first") && s.contains(id))
                    .map(s -> s.substring(s.indexOf(id) + id.length())).sorted().toList();
            List<String> second = scored.stream().filter(s -> s.startsWith("second") && s.contains(id))
                    .map(s -> s.substring(s.indexOf(id) + id.length())).sorted().toList();
            assertThat(second).as("the second test sees the first's answers to the same requests").isEqualTo(first);
        }
    }
}
