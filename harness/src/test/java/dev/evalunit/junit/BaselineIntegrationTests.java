package dev.evalunit.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import dev.evalunit.Answer;
import dev.evalunit.ChatRequest;
import dev.evalunit.Prompt;
import dev.evalunit.QuestionRow;
import dev.evalunit.Questions;
import dev.evalunit.internal.report.BuildOutcome;
import dev.evalunit.internal.runs.RunDirectory;
import dev.evalunit.simulator.OpenAiSimulator;
import dev.evalunit.simulator.SimulatorOptions;
import dev.evalunit.testing.Console;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * A CI gate on a baseline run that fails on a real regression, not on noise; and a result that rests on a
 * subset of its invocations fails too.
 */
class BaselineIntegrationTests {

    static final int QUESTIONS = 40;
    /** Questions numbered this or above answer wrongly; those in {@link #unscoredFrom} and above get no verdict. */
    static volatile int wrongFrom = QUESTIONS + 1;
    static volatile int unscoredFrom = QUESTIONS + 1;
    static OpenAiSimulator simulator;

    @TempDir
    Path state;

    @BeforeEach
    void start() {
        simulator = OpenAiSimulator.start(SimulatorOptions.defaults());
        wrongFrom = QUESTIONS + 1;
        unscoredFrom = QUESTIONS + 1;
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    record Row(String id, int number) implements QuestionRow {
        @Override
        public String text() {
            return "Is claim " + number + " true?";
        }
    }

    @BenchmarkSuite(name = "Gated", temperatures = 0.0)
    static class GatedTestCase {
        static Stream<Row> rows() {
            return IntStream.rangeClosed(1, QUESTIONS).mapToObj(i -> new Row("h" + i, i));
        }

        @Prompt
        static ChatRequest ask(Row row) {
            return ChatRequest.user(row.text()).maxTokens(5);
        }

        @BenchmarkTest
        @Questions("rows")
        void judgesTheClaim(Row row, Answer answer) {
            Assumptions.assumeTrue(row.number() < unscoredFrom, "the judge gave no verdict");
            assertThat(row.number()).as("a wrong answer").isLessThan(wrongFrom);
        }
    }

    private Path results() {
        return state.resolve("results");
    }

    private EngineExecutionResults run(Map<String, String> more) {
        Map<String, String> p = new HashMap<>(Map.of(
                "evalunit.checkpoint.dir", state.resolve("benchmark-state").toString(),
                "evalunit.results.dir", results().toString(),
                "evalunit.progress", "off",
                "evalunit.allure", "false",
                "evalunit.wrong-answers", "record",
                "evalunit.openai.api-key", "sk-" + "test-baseline0123456789abcdef",
                "evalunit.openai.base-url", simulator.baseUrl()));
        p.putAll(more);
        return EngineTestKit.engine("junit-jupiter").configurationParameters(p).selectors(selectClass(GatedTestCase.class))
                .execute();
    }

    private BuildOutcome.Verdict verdict() {
        return BuildOutcome.Verdict.read(results().resolve("verdict.json"));
    }

    @Test
    void aRegressionBeyondNoiseFailsTheBuildNamingTheTestItsFiguresTheIntervalAndP() {
        run(Map.of()).testEvents().assertStatistics(s -> s.started(QUESTIONS));
        String baseline = RunDirectory.latest(results()).orElseThrow().getFileName().toString();
        wrongFrom = 21; // half the questions now answered wrongly

        EngineExecutionResults regressed = run(Map.of("evalunit.baseline", baseline));

        assertThat(verdict().passed()).isFalse();
        assertThat(verdict().reason()).contains("Gated · GatedTestCase.judgesTheClaim at T=0.0: accuracy 50.0% against "
                + "the baseline's 100.0% (-50.0 pts, 95% CI -65.0 pts to -35.0 pts, p < 0.0001, Holm-adjusted p < 0.0001, "
                + "40 questions): worse than the baseline beyond noise (evalunit.baseline.alpha 0.05, "
                + "evalunit.baseline.margin +0.0 pts)".replace("+0.0 pts", "0.0 pts"));
        regressed.containerEvents().assertThatEvents().haveExactly(1, event(finishedWithFailure(message(m ->
                m.startsWith("evalunit: the run failed: ") && m.contains("worse than the baseline beyond noise")))));
        assertThat(RunDirectory.all(results()).get(1).resolve("baseline").resolve("compare.html")).exists();
        assertThat(simulator.requests().chatRequests()).as("the second run replayed every answer").isEqualTo(QUESTIONS);
    }

    @Test
    void aDifferenceWithinNoisePassesAndSaysSo() {
        run(Map.of()).testEvents().assertStatistics(s -> s.started(QUESTIONS));
        String baseline = RunDirectory.latest(results()).orElseThrow().toString(); // a directory names it too
        wrongFrom = QUESTIONS; // one question answered wrongly now

        String console = Console.printed(() -> run(Map.of("evalunit.baseline", baseline)));

        assertThat(verdict().passed()).as(verdict().reason()).isTrue();
        assertThat(console).contains("Gated · GatedTestCase.judgesTheClaim at T=0.0: accuracy 97.5% against the "
                + "baseline's 100.0% (-2.5 pts").contains("lower, within noise (Holm-adjusted p >= 0.05): no regression");
    }

    @Test
    void aMarginLetsASmallSignificantDropPass() {
        run(Map.of()).testEvents().assertStatistics(s -> s.started(QUESTIONS));
        String baseline = RunDirectory.latest(results()).orElseThrow().getFileName().toString();
        wrongFrom = 33; // 8 of 40 wrong: p = 2^-7, 20 points

        run(Map.of("evalunit.baseline", baseline, "evalunit.baseline.margin", "0.25"));
        assertThat(verdict().passed()).as(verdict().reason()).isTrue();

        run(Map.of("evalunit.baseline", baseline, "evalunit.baseline.margin", "0.1"));
        assertThat(verdict().passed()).isFalse();
    }

    @Test
    void aBaselineThatIsNotKeptFailsTheRunBeforeAnythingIsSent() {
        EngineExecutionResults results = run(Map.of("evalunit.baseline", "20250101-000000"));

        results.containerEvents().assertThatEvents().haveExactly(1, event(finishedWithFailure(message(m ->
                m.contains("evalunit.baseline=20250101-000000: no run \"20250101-000000\"")
                        && m.contains("no run is kept there")))));
        assertThat(simulator.requests().chatRequests()).isZero();
    }

    @Test
    void aResultRestingOnASubsetOfItsInvocationsFailsAboveTheUnscoredThreshold() throws Exception {
        unscoredFrom = QUESTIONS - 1; // 2 of 40 without a verdict: 5 %

        run(Map.of());
        assertThat(verdict().passed()).isFalse();
        assertThat(verdict().reason()).contains("Gated · GatedTestCase.judgesTheClaim at T=0.0: 2 of 40 invocations (5.0%) "
                + "have no verdict (aborted or skipped), above evalunit.threshold.max-unscored 1.0%");

        run(Map.of("evalunit.threshold.max-unscored", "0.05"));
        assertThat(verdict().passed()).as(verdict().reason()).isTrue();
        assertThat(Files.readString(RunDirectory.latest(results()).orElseThrow().resolve("results.csv")))
                .contains("aborted");
    }
}
