package dev.evalunit.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScoreGateTests {

    @TempDir
    Path dir;

    private static AnalysisFile.Temperature row(double t, long answered, long passed, long errors) {
        return new AnalysisFile.Temperature(t, answered + errors, answered, passed, errors,
                answered == 0 ? null : (double) passed / answered, new AnalysisFile.Interval(0, 1), null, 0, Map.of(), Map.of());
    }

    private static AnalysisFile analysis(double minPassRate, double maxErrorRate, AnalysisFile.Test... tests) {
        return new AnalysisFile(List.of(new AnalysisFile.Suite("QA", List.of(tests))),
                Map.of("QA", new AnalysisFile.Thresholds(minPassRate, maxErrorRate)));
    }

    @Test
    void aSuitePassesWhenEveryTemperaturesPassRateOverAllItsTestsMeetsTheThreshold() {
        // T=1.0: 5 of 10 in one test and 7 of 10 in the other: 60 % together
        AnalysisFile a = analysis(0.6, 0.01,
                new AnalysisFile.Test("A.x", List.of(row(0.0, 10, 9, 0), row(1.0, 10, 5, 0)), null),
                new AnalysisFile.Test("B.y", List.of(row(0.0, 10, 8, 0), row(1.0, 10, 7, 0)), null));

        ScoreGate.Verdict verdict = ScoreGate.judge(a, Optional.empty(), Optional.empty());

        assertThat(verdict.passed()).isTrue();
        assertThat(verdict.describe()).isEqualTo("QA: passed, pass rate >= 60.0% at every temperature, error rate 0.0% <= 1.0%");
    }

    @Test
    void aMissedTemperatureAndTooManyErrorsAreEachNamedWithTheirFigures() {
        AnalysisFile a = analysis(0.6, 0.01,
                new AnalysisFile.Test("A.x", List.of(row(0.0, 10, 9, 0), row(1.0, 8, 4, 2)), null));

        ScoreGate.Verdict verdict = ScoreGate.judge(a, Optional.empty(), Optional.empty());

        assertThat(verdict.passed()).isFalse();
        assertThat(verdict.describe()).isEqualTo("QA: MISSED pass rate 50.0% at T=1.0 is below 60.0% (4 of 8 answers); "
                + "error rate 10.0% is above 1.0% (2 of 20 invocations failed after retries)");
    }

    @Test
    void thresholdsGivenToTheStepReplaceTheRecordedOnes() {
        AnalysisFile a = analysis(0.9, 0.01, new AnalysisFile.Test("A.x", List.of(row(0.0, 10, 7, 0)), null));

        assertThat(ScoreGate.judge(a, Optional.empty(), Optional.empty()).passed()).isFalse();
        assertThat(ScoreGate.judge(a, Optional.of(0.7), Optional.empty()).passed()).isTrue();
        assertThat(ScoreGate.judge(a, Optional.of(0.7), Optional.empty()).suites().get(0).thresholds().minPassRate()).isEqualTo(0.7);
    }

    @Test
    void temperaturesWithoutAnswersAreNotJudgedButTheirErrorsCount() {
        AnalysisFile a = analysis(0.5, 0.5, new AnalysisFile.Test("A.x", List.of(row(0.0, 4, 4, 0), row(1.0, 0, 0, 4)), null));

        ScoreGate.Verdict verdict = ScoreGate.judge(a, Optional.empty(), Optional.empty());

        assertThat(verdict.passed()).isTrue();
        assertThat(verdict.describe()).contains("error rate 50.0% <= 50.0%");
    }

    @Test
    void theBuildStepFailsWithTheReasonWhenMissedAndWhenThereIsNothingToJudge() throws Exception {
        RunFixture run = RunFixture.write(dir.resolve("run"), 6, 1, 0.9);
        System.setProperty(ReportOptions.ANALYSIS, run.analysis.toString());
        try {
            assertThatThrownBy(() -> ScoreGate.main(new String[] {dir.toString()}))
                    .isInstanceOf(ScoreGate.ThresholdsMissedException.class)
                    .hasMessageContaining("FixtureQA: MISSED pass rate").hasMessageContaining("is below 90.0%");

            System.setProperty(ReportOptions.MIN_PASS_RATE, "0");
            ScoreGate.main(new String[] {dir.toString()}); // the step's own threshold: passes

            System.setProperty(ReportOptions.ANALYSIS, dir.resolve("nowhere.json").toString());
            assertThatThrownBy(() -> ScoreGate.main(new String[] {dir.toString()}))
                    .isInstanceOf(ReportInputException.class)
                    .hasMessageContaining("nothing to judge").hasMessageContaining("nowhere.json")
                    .hasMessageContaining("-Devalunit.report.analysis");
        } finally {
            System.clearProperty(ReportOptions.ANALYSIS);
            System.clearProperty(ReportOptions.MIN_PASS_RATE);
        }
    }

    @Test
    void aThresholdThatIsNotAShareIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> ReportOptions.from(Map.of(ReportOptions.MIN_PASS_RATE, "60%"), dir))
                .isInstanceOf(ReportInputException.class).hasMessage("evalunit.min-pass-rate=60% is not a number: give a share from 0 to 1, such as 0.6");
        assertThatThrownBy(() -> ReportOptions.from(Map.of(ReportOptions.MAX_ERROR_RATE, "5"), dir))
                .isInstanceOf(ReportInputException.class).hasMessageContaining("evalunit.max-error-rate=5 is out of range");
    }
}
