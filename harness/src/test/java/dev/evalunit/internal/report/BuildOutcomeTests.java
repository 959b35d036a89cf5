package dev.evalunit.internal.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.evalunit.config.ConfigException;
import dev.evalunit.config.ConfigSources;
import dev.evalunit.config.EvalConfig;
import dev.evalunit.internal.report.BuildOutcome.Thresholds;
import dev.evalunit.internal.report.BuildOutcome.Verdict;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BuildOutcomeTests {

    @Test
    void passesWhenEveryTemperatureMeetsTheThresholds() {
        Verdict verdict = BuildOutcome.judge(truthfulQa(row(0.0, 612, 388, 0), row(1.0, 601, 399, 0)),
                new Thresholds(0.6, 0.01));

        assertThat(verdict.passed()).isTrue();
        assertThat(verdict.reason()).isEqualTo(
                "TruthfulQA meets its thresholds: pass rate >= 60.0% at every temperature, error rate 0.0% <= 1.0%");
    }

    @Test
    void failsNamingTheTemperatureBelowTheMinimumPassRate() {
        Verdict verdict = BuildOutcome.judge(truthfulQa(row(0.0, 612, 388, 0), row(1.0, 551, 449, 0)),
                new Thresholds(0.6, 0.01));

        assertThat(verdict.passed()).isFalse();
        assertThat(verdict.reason()).isEqualTo(
                "TruthfulQA pass rate 55.1% at T=1.0 is below the suite's threshold 60.0% (evalunit.min-pass-rate)");
    }

    @Test
    void failsWhenTooManyRequestsFailed() {
        // 23 errors of 1,000 requests that ended.
        Verdict verdict = BuildOutcome.judge(truthfulQa(row(0.5, 500, 477, 23)), Thresholds.defaults());

        assertThat(verdict.passed()).isFalse();
        assertThat(verdict.reason()).isEqualTo("TruthfulQA error rate 2.3% is above evalunit.max-error-rate 1.0% "
                + "(23 of 1,000 invocations failed after retries)");
    }

    @Test
    void listsEveryMissedThreshold() {
        Verdict verdict = BuildOutcome.judge(truthfulQa(row(0.0, 40, 50, 10), row(1.0, 30, 60, 10)),
                new Thresholds(0.5, 0.05));

        assertThat(verdict.reason().split("; ")).hasSize(3);
        assertThat(verdict.reason()).contains("44.4% at T=0.0", "33.3% at T=1.0", "error rate 10.0%");
    }

    @Test
    void aZeroMinimumChecksNoPassRate() {
        Verdict verdict = BuildOutcome.judge(truthfulQa(row(0.0, 0, 100, 0)), Thresholds.defaults());

        assertThat(verdict.passed()).isTrue();
        assertThat(verdict.reason()).isEqualTo("TruthfulQA meets its thresholds: error rate 0.0% <= 1.0%");
    }

    @Test
    void temperaturesWithoutJudgedAnswersAreNotHeldToThePassRate() {
        // Every invocation aborted while its batch runs: nothing to judge yet.
        TemperatureFigures aborted = new TemperatureFigures(0.0, 10, 0, 0, 0, 10, 0, 0, 0, 0, 0,
                OptionalDouble.empty(), 0);

        assertThat(BuildOutcome.judge(new SuiteFigures("TruthfulQA", List.of(aborted)), new Thresholds(0.9, 0))
                .passed()).isTrue();
    }

    @Test
    void aRunPassesOnlyWhenEverySuiteDoes() {
        SuiteFigures good = new SuiteFigures("Smoke", List.of(row(0.0, 10, 0, 0)));
        SuiteFigures bad = truthfulQa(row(0.0, 1, 9, 0));

        Verdict verdict = BuildOutcome.judge(Map.of("Smoke", good, "TruthfulQA", bad), new Thresholds(0.5, 0.01));

        assertThat(verdict.passed()).isFalse();
        assertThat(verdict.reason().lines()).hasSize(2);
        assertThat(BuildOutcome.judge(Map.of("Smoke", good), new Thresholds(0.5, 0.01)).passed()).isTrue();
    }

    @Test
    void thresholdsDefaultToNoMinimumAndOnePercentOfErrors() {
        assertThat(Thresholds.from(EvalConfig.defaults())).isEqualTo(new Thresholds(0, 0.01));
        assertThat(Thresholds.from(load("evalunit.min-pass-rate", "0.6"))).isEqualTo(new Thresholds(0.6, 0.01));
        assertThat(Thresholds.from(load("evalunit.max-error-rate", "0"))).isEqualTo(new Thresholds(0, 0));
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "evalunit.min-pass-rate  | 60%  | a number from 0 to 1, such as 0.6",
            "evalunit.min-pass-rate  | 1.5  | a number from 0 to 1, such as 0.6",
            "evalunit.max-error-rate | -0.1 | a number from 0 to 1, such as 0.01",
            "evalunit.max-error-rate | NaN  | a number from 0 to 1, such as 0.01",
    })
    void badThresholdsNameTheKey(String key, String value, String allowed) {
        EvalConfig config = load(key, value);

        assertThatThrownBy(() -> Thresholds.from(config))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo(key))
                .hasMessage(key + " must be " + allowed + " but was \"" + value + "\" (from system property -D" + key + ")");
    }

    @Test
    void aMissedPassRateNamesTheModelWhenTheRunComparesSeveral() {
        TemperatureFigures a = new TemperatureFigures(0.0, 10, 9, 1, 0, 0, 0, 0, 0, 0, 0, OptionalDouble.empty(), 0,
                "gpt-4o-mini");
        TemperatureFigures b = new TemperatureFigures(0.0, 10, 5, 5, 0, 0, 0, 0, 0, 0, 0, OptionalDouble.empty(), 0,
                "gpt-4.1-nano");

        Verdict verdict = BuildOutcome.judge(truthfulQa(a, b), new Thresholds(0.6, 0.01));

        assertThat(verdict.passed()).as("each model must meet the threshold at each temperature").isFalse();
        assertThat(verdict.reason()).isEqualTo("TruthfulQA pass rate 50.0% at gpt-4.1-nano T=0.0 is below the "
                + "suite's threshold 60.0% (evalunit.min-pass-rate)");
    }

    @Test
    void thresholdsBuiltInCodeAreChecked() {
        assertThatThrownBy(() -> new Thresholds(2, 0.01)).hasMessage("minPassRate must be from 0 to 1 but was 2.0");
    }

    private static SuiteFigures truthfulQa(TemperatureFigures... rows) {
        return new SuiteFigures("TruthfulQA", List.of(rows));
    }

    private static TemperatureFigures row(double t, long passed, long failed, long errors) {
        return new TemperatureFigures(t, passed + failed + errors, passed, failed, errors, 0, 0, 0, 0, 0, 0,
                OptionalDouble.empty(), 0);
    }

    private static EvalConfig load(String key, String value) {
        return EvalConfig.load(ConfigSources.of(Map.of(key, value), Map.of(), null));
    }
}
