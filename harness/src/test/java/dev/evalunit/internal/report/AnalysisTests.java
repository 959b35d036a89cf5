package dev.evalunit.internal.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.evalunit.internal.report.Analysis.TemperatureAnalysis;
import dev.evalunit.internal.report.Analysis.TestFigures;
import dev.evalunit.internal.report.InvocationResult.Outcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnalysisTests {

    private final Analysis analysis = new Analysis();

    private void add(String question, double t, int sample, Outcome outcome, String label, String category,
                     Map<String, Double> scores) {
        analysis.add(new InvocationResult("TruthfulQA", "Mc1.picks", question, t, sample, outcome,
                outcome == Outcome.ERROR ? null : "The answer is " + label, 10, 1, 0, Duration.ZERO, category, false,
                outcome == Outcome.ERROR ? null : label, scores));
    }

    private TestFigures only() {
        return analysis.report().suites().get(0).tests().get(0);
    }

    @Test
    void wilsonIntervalsMatchPublishedValues() {
        // Newcombe (1998), table I: 0/10 and 5/10 (z = 1.96)
        assertThat(Analysis.wilson(0, 10).low()).isZero();
        assertThat(Analysis.wilson(0, 10).high()).isCloseTo(0.2775, within(1e-4));
        assertThat(Analysis.wilson(5, 10).low()).isCloseTo(0.2366, within(1e-4));
        assertThat(Analysis.wilson(5, 10).high()).isCloseTo(0.7634, within(1e-4));
        assertThat(Analysis.wilson(10, 10).high()).isEqualTo(1.0);
        assertThat(Analysis.wilson(0, 0)).isEqualTo(new Analysis.Interval(0, 1));
    }

    @Test
    void accuracyCountsAnsweredInvocationsOnlyAndAgreementComparesLabels() {
        // q1 at T=0: B, B, B (agree 1.0); q2 at T=0: A, A, C (agree 2/3); one error
        add("q1", 0.0, 1, Outcome.PASSED, "B", null, Map.of());
        add("q1", 0.0, 2, Outcome.PASSED, "b", null, Map.of());
        add("q1", 0.0, 3, Outcome.PASSED, "B", null, Map.of());
        add("q2", 0.0, 1, Outcome.FAILED, "A", null, Map.of());
        add("q2", 0.0, 2, Outcome.FAILED, "A", null, Map.of());
        add("q2", 0.0, 3, Outcome.PASSED, "C", null, Map.of());
        add("q3", 0.0, 1, Outcome.ERROR, null, null, Map.of());

        TemperatureAnalysis t0 = only().temperatures().get(0);

        assertThat(t0.invocations()).isEqualTo(7);
        assertThat(t0.answered()).isEqualTo(6);
        assertThat(t0.errors()).isEqualTo(1);
        assertThat(t0.accuracy()).isCloseTo(4 / 6.0, within(1e-9));
        // over questions, not invocations: q1 3 of 3, q2 1 of 3; V = ((3 - 2)^2 + (1 - 2)^2) / 6^2 = 1/18, so the
        // effective number of questions is p(1 - p) / V = (2/9) / (1/18) = 4, and the interval Wilson's at 4
        var atFour = dev.evalunit.internal.stats.Proportions.wilson(4 * 4 / 6.0, 4, 0.95);
        assertThat(t0.ci95().low()).isCloseTo(atFour.low(), within(1e-12));
        assertThat(t0.ci95().high()).isCloseTo(atFour.high(), within(1e-12));
        assertThat(t0.ci95().high() - t0.ci95().low()).as("wider than Wilson's over 6 invocations")
                .isGreaterThan(Analysis.wilson(4, 6).high() - Analysis.wilson(4, 6).low());
        assertThat(t0.agreement()).isCloseTo((1.0 + 2 / 3.0) / 2, within(1e-9));
        assertThat(t0.questionsWithSamples()).isEqualTo(2);
    }

    @Test
    void scoresAreAveragedPerTemperatureWithWilsonIntervalsForYesNoScores() {
        add("q1", 0.5, 1, Outcome.PASSED, "x", null, Map.of("truthful", 1.0, "mc2", 0.9));
        add("q2", 0.5, 1, Outcome.FAILED, "y", null, Map.of("truthful", 0.0, "mc2", 0.3));
        add("q3", 0.5, 1, Outcome.PASSED, "z", null, Map.of("truthful", 1.0, "mc2", 0.6));

        Map<String, Analysis.ScoreFigures> scores = only().temperatures().get(0).scores();

        assertThat(scores.get("truthful").mean()).isCloseTo(2 / 3.0, within(1e-9));
        assertThat(scores.get("truthful").ci95().low()).isCloseTo(Analysis.wilson(2, 3).low(), within(1e-12));
        assertThat(scores.get("truthful").ci95().high()).isCloseTo(Analysis.wilson(2, 3).high(), within(1e-12));
        assertThat(scores.get("mc2").n()).isEqualTo(3);
        assertThat(scores.get("mc2").mean()).isCloseTo(0.6, within(1e-9));
        // sd 0.3, so the half width is 1.96 * 0.3 / sqrt(3)
        assertThat(scores.get("mc2").ci95().high() - 0.6).isCloseTo(Analysis.Z95 * 0.3 / Math.sqrt(3), within(1e-9));
    }

    @Test
    void samplesThatAllAgreeGiveTheIntervalOfOneSamplePerQuestion() {
        // 10 questions, 7 right; with one sample each, and with five samples each that all agree
        for (int q = 1; q <= 10; q++) {
            add("q" + q, 0.0, 1, q <= 7 ? Outcome.PASSED : Outcome.FAILED, "x", null, Map.of("yes", q <= 7 ? 1.0 : 0.0));
            for (int sample = 1; sample <= 5; sample++) {
                add("q" + q, 1.0, sample, q <= 7 ? Outcome.PASSED : Outcome.FAILED, "x", null,
                        Map.of("yes", q <= 7 ? 1.0 : 0.0));
            }
        }

        TemperatureAnalysis one = only().temperatures().get(0);
        TemperatureAnalysis five = only().temperatures().get(1);

        assertThat(one.ci95()).isEqualTo(Analysis.wilson(7, 10));
        assertThat(five.answered()).isEqualTo(50);
        assertThat(five.ci95().low()).isCloseTo(one.ci95().low(), within(1e-12));
        assertThat(five.ci95().high()).isCloseTo(one.ci95().high(), within(1e-12));
        assertThat(five.scores().get("yes").ci95().low()).isCloseTo(one.ci95().low(), within(1e-12));
        assertThat(five.scores().get("yes").ci95().high()).isCloseTo(one.ci95().high(), within(1e-12));
    }

    @Test
    void categoriesAndFlipsBetweenTemperatures() {
        add("q1", 0.0, 1, Outcome.PASSED, "A", "Science", Map.of());
        add("q1", 1.0, 1, Outcome.FAILED, "C", "Science", Map.of());
        add("q2", 0.0, 1, Outcome.PASSED, "B", "History", Map.of());
        add("q2", 1.0, 1, Outcome.PASSED, "B", "History", Map.of());
        add("q3", 0.0, 1, Outcome.FAILED, "A", "History", Map.of()); // seen at one temperature only

        TestFigures figures = only();

        assertThat(figures.temperatures().get(0).categories()).containsEntry("History",
                new Analysis.CategoryFigures(2, 1, 0.5)).containsEntry("Science", new Analysis.CategoryFigures(1, 1, 1.0));
        assertThat(figures.flips().questions()).isEqualTo(2);
        assertThat(figures.flips().answerFlips()).isEqualTo(1);
        assertThat(figures.flips().passFlips()).isEqualTo(1);
        assertThat(figures.flips().flipped()).containsExactly(new Analysis.Flip("q1", Map.of("0.0", "a", "1.0", "c")));
    }

    @Test
    void aScoreReadFromLogProbabilitiesIsNotAvailableForAModelWithoutThemAndTheTableSaysSo() {
        // gpt-4o-mini's answers record true_mass; Claude's carry no log probabilities and record none
        for (String q : List.of("q1", "q2")) {
            analysis.add(scored("gpt-4o-mini", q, Map.of("true_mass", 0.75)));
            analysis.add(scored("anthropic:claude-haiku-4-5", q, Map.of()));
            analysis.add(scored("gpt-4.1-nano", q, Map.of()));
        }

        String text = analysis.render();

        assertThat(text).contains("true_mass is not available for anthropic:claude-haiku-4-5: none of its answers "
                + "recorded it, and they carry no log probabilities to read it from");
        assertThat(text).containsPattern("anthropic:claude-haiku-4-5 +0\\.0 .* n/a");
        // an OpenAI model without the score is only missing it: it has log probabilities to read
        assertThat(text).doesNotContain("not available for gpt-4.1-nano").containsPattern("gpt-4\\.1-nano +0\\.0 .* -");
    }

    private static InvocationResult scored(String model, String question, Map<String, Double> scores) {
        InvocationResult r = Results.ofModel(model, question, 0.0, Outcome.PASSED);
        return new InvocationResult(r.suite(), r.test(), r.questionId(), r.temperature(), r.sample(), r.status(),
                r.answer(), r.promptTokens(), r.completionTokens(), r.costUsd(), r.latency(), r.category(), r.replayed(),
                r.label(), scores, model);
    }

    @Test
    void rendersATablePerTestAndWritesJson(@TempDir Path dir) throws Exception {
        add("q1", 0.0, 1, Outcome.PASSED, "A", "Science", Map.of("truthful", 1.0));
        add("q1", 1.0, 1, Outcome.FAILED, "C", "Science", Map.of("truthful", 0.0));

        String text = analysis.render();
        Path file = dir.resolve("out").resolve("analysis.json");
        analysis.writeJson(file);

        assertThat(text).contains("TruthfulQA · Mc1.picks", "accuracy", "truthful", "100.0%",
                "flips: 1 of 1 questions answer differently", "q1  0.0=a  1.0=c", "Science");
        JsonNode json = new ObjectMapper().readTree(file.toFile());
        JsonNode test = json.at("/suites/0/tests/0");
        assertThat(test.get("test").asText()).isEqualTo("Mc1.picks");
        assertThat(test.at("/temperatures/1/temperature").asDouble()).isEqualTo(1.0);
        assertThat(test.at("/temperatures/0/ci95/low").asDouble()).isCloseTo(Analysis.wilson(1, 1).low(), within(1e-9));
        assertThat(test.at("/temperatures/0/scores/truthful/mean").asDouble()).isEqualTo(1.0);
        assertThat(test.at("/flips/answerFlips").asLong()).isEqualTo(1);
    }

    @Test
    void nothingToRenderWithoutAnswers() {
        add("q1", 0.0, 1, Outcome.ERROR, null, null, Map.of());

        assertThat(analysis.render()).isEmpty();
    }
}
