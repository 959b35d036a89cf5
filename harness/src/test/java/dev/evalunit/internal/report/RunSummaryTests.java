package dev.evalunit.internal.report;

import static dev.evalunit.internal.report.Results.of;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.evalunit.client.ClientMetrics;
import dev.evalunit.ErrorKind;
import dev.evalunit.internal.report.InvocationResult.Outcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RunSummaryTests {

    private final RunSummary summary = new RunSummary();

    @Test
    void passRateLeavesOutInvocationsWithoutAnAnswerToJudge() {
        add(3, Outcome.PASSED);
        add(1, Outcome.FAILED);
        add(2, Outcome.ERROR);
        add(1, Outcome.ABORTED);
        add(1, Outcome.SKIPPED);

        TemperatureFigures row = summary.figures().get("TruthfulQA").at(0.0).orElseThrow();
        assertThat(row.invocations()).isEqualTo(8);
        assertThat(row.passRate()).hasValue(0.75);
        assertThat(row.errors()).isEqualTo(2);
        assertThat(row.aborted()).isEqualTo(1);
        assertThat(row.skipped()).isEqualTo(1);
        assertThat(row.errorRate()).isEqualTo(2.0 / 6);
    }

    @Test
    void agreementIsTheShareOfTheMostCommonAnswerAveragedOverQuestions() {
        summary.add(of("TruthfulQA", "q1", 1.0, 1, Outcome.PASSED, "B"));
        summary.add(of("TruthfulQA", "q1", 1.0, 2, Outcome.PASSED, "B"));
        summary.add(of("TruthfulQA", "q1", 1.0, 3, Outcome.FAILED, "C"));
        summary.add(of("TruthfulQA", "q2", 1.0, 1, Outcome.PASSED, "  b "));
        summary.add(of("TruthfulQA", "q2", 1.0, 2, Outcome.PASSED, "B"));
        // An error has no answer: it neither agrees nor disagrees.
        summary.add(of("TruthfulQA", "q2", 1.0, 3, Outcome.ERROR, null));

        TemperatureFigures row = summary.figures().get("TruthfulQA").at(1.0).orElseThrow();
        assertThat(row.agreement().getAsDouble()).isCloseTo((2.0 / 3 + 1.0) / 2, within(1e-12));
        assertThat(row.sampledGroups()).isEqualTo(2);
    }

    @Test
    void aRunThatComparesModelsHasARowPerModelAndTemperatureInTheRunsOrder() {
        RunSummary models = new RunSummary(java.util.List.of("gpt-4o-mini", "gpt-4.1-nano"));
        for (String model : new String[] {"gpt-4.1-nano", "gpt-4o-mini"}) { // finished in another order
            for (double t : new double[] {1.0, 0.0}) {
                models.add(Results.ofModel(model, "q1", t, Outcome.PASSED));
                models.add(Results.ofModel(model, "q2", t, model.equals("gpt-4o-mini") ? Outcome.PASSED : Outcome.FAILED));
            }
        }

        String table = models.render(null, Map.of(), null);

        assertThat(table).contains("""
                TruthfulQA — 8 invocations, 0 errors, $0.0008
                  model         T    n  pass    agree  errors  aborted  replayed  tokens  cost
                  gpt-4o-mini   0.0  2  100.0%  n/a    0       0        0         240     $0.0002
                  gpt-4o-mini   1.0  2  100.0%  n/a    0       0        0         240     $0.0002
                  gpt-4.1-nano  0.0  2  50.0%   n/a    0       0        0         240     $0.0002
                  gpt-4.1-nano  1.0  2  50.0%   n/a    0       0        0         240     $0.0002
                """);
        assertThat(summary.render(null, Map.of(), null)).as("a run of one model has no model column")
                .doesNotContain("model");
    }

    @Test
    void agreementIsNotApplicableWithOneSample() {
        summary.add(of("Smoke", "q1", 0.0, 1, Outcome.PASSED, "Canberra"));
        summary.add(of("Smoke", "q2", 0.0, 1, Outcome.FAILED, "Sydney"));

        assertThat(summary.figures().get("Smoke").at(0.0).orElseThrow().agreement()).isEmpty();
        assertThat(summary.render(null, Map.of(), null)).contains("n/a");
    }

    @Test
    void samplesOfDifferentTestsOrTemperaturesAreDifferentGroups() {
        summary.add(of("S", "q1", 0.0, 1, Outcome.PASSED, "A"));
        summary.add(of("S", "q1", 0.5, 1, Outcome.PASSED, "B"));
        summary.add(new InvocationResult("S", "otherTest", "q1", 0.0, 2, Outcome.PASSED, "C", 0, 0, 0,
                Duration.ZERO, null, false));

        assertThat(summary.figures().get("S").temperatures()).allSatisfy(t -> assertThat(t.agreement()).isEmpty());
    }

    @Test
    void normalizesAnswersBeforeComparingThem() {
        assertThat(RunSummary.normalize("  b ")).isEqualTo("b");
        assertThat(RunSummary.normalize("The\tAnswer \n is  B")).isEqualTo("the answer is b");
        assertThat(RunSummary.normalize("x".repeat(500))).hasSize(200);
        assertThat(RunSummary.normalize("a" + " ".repeat(10) + "b".repeat(300))).hasSize(200).startsWith("a b");
        assertThat(RunSummary.normalize("   ")).isEmpty();
    }

    @Test
    void oneRowPerTemperatureInOrder() {
        summary.add(of("TruthfulQA", "q1", 1.0, 1, Outcome.FAILED, "A"));
        summary.add(of("TruthfulQA", "q1", 0.0, 1, Outcome.PASSED, "A"));
        summary.add(of("TruthfulQA", "q1", 0.5, 1, Outcome.PASSED, "A"));
        summary.add(of("TruthfulQA", "q2", -0.0, 1, Outcome.PASSED, "A"));

        SuiteFigures suite = summary.figures().get("TruthfulQA");
        assertThat(suite.temperatures()).extracting(TemperatureFigures::temperature).containsExactly(0.0, 0.5, 1.0);
        assertThat(suite.passRate(0.0)).hasValue(1.0);
        assertThat(suite.passRate(1.0)).hasValue(0.0);
        assertThat(suite.passRate(2.0)).isEmpty();
        assertThat(suite.at(0.0).orElseThrow().invocations()).isEqualTo(2);
    }

    @Test
    void rendersAnAlignedTableWithEveryFigure() {
        for (double t : new double[] {0.0, 1.0}) {
            for (int q = 1; q <= 4; q++) {
                for (int s = 1; s <= 2; s++) {
                    boolean right = q <= (t == 0 ? 3 : 2);
                    String answer = t == 1.0 && q == 1 && s == 2 ? "C" : right ? "A" : "B";
                    summary.add(new InvocationResult("TruthfulQA", "picksTheTrueOption", "q" + q, t, s,
                            answer.equals("A") ? Outcome.PASSED : Outcome.FAILED, answer, 1_000, 250, 0.000_5,
                            Duration.ofMillis(200), null, q == 4));
                }
            }
        }
        summary.add(of("TruthfulQA", "q5", 1.0, 1, Outcome.ERROR, null));
        summary.add(of("TruthfulQA", "q6", 1.0, 1, Outcome.ABORTED, null));

        String table = summary.render(metrics(), Map.of("TruthfulQA", Path.of("benchmark-state", "TruthfulQA")),
                Path.of("target", "allure-results"));

        assertThat(table).isEqualTo("""
                TruthfulQA — 18 invocations, 1 error, $0.0082
                  T    n   pass   agree   errors  aborted  replayed  tokens  cost
                  0.0  8   75.0%  100.0%  0       0        2         10,000  $0.0040
                  1.0  10  37.5%  87.5%   1       1        2         10,240  $0.0042
                  853 requests sent in real time · throughput 85.3/s · p95 231 ms · checkpoints benchmark-state/TruthfulQA · reports target/allure-results
                """);
    }

    @Test
    void severalSuitesShareOneLineOfRunWideFigures() {
        summary.add(of("Smoke", "q1", 0.0, 1, Outcome.PASSED, "A"));
        summary.add(of("TruthfulQA", "q1", 0.0, 1, Outcome.ERROR, null));

        String table = summary.render(metrics(), Map.of("Smoke", Path.of("state/Smoke")), null);

        assertThat(table).contains("Smoke — 1 invocation, 0 errors, $0.0001\n")
                .contains("\n  checkpoints state/Smoke\nTruthfulQA — 1 invocation, 1 error, $0.0001\n")
                .endsWith("all suites — 2 invocations, 1 error, $0.0002\n  853 requests sent in real time · throughput 85.3/s · p95 231 ms\n");
    }

    @Test
    void requestsTheServerRefusedWith429AreCountedOnTheRunWideLine() {
        summary.add(of("Smoke", "q1", 0.0, 1, Outcome.PASSED, "A"));
        ClientMetrics.ModelSnapshot model = new ClientMetrics.ModelSnapshot("gpt-4o-mini", 853, 0, 12, 12,
                Map.<ErrorKind, Long>of(), 0, 0, 0, 0, 120, 231, 300, 400, 120, 250, 853);

        String table = summary.render(new ClientMetrics.Snapshot(Duration.ofSeconds(10), Map.of("gpt-4o-mini", model)),
                null, null);

        assertThat(table).endsWith("  853 requests sent in real time · throughput 85.3/s · 12 answered 429 · p95 231 ms\n");
    }

    @Test
    void requestsRefusedBeforeTheyWereSentAreNotCountedAsSentAndNoneSentSaysSo() {
        summary.add(of("Smoke", "q1", 0.0, 1, Outcome.ERROR, null));
        // a quota stop: 1 request reached the server, 2,369 were never sent; all 2,370 ended without an answer
        ClientMetrics.ModelSnapshot stopped = new ClientMetrics.ModelSnapshot("gpt-4o-mini", 0, 2_370, 0, 0,
                Map.of(ErrorKind.QUOTA_EXHAUSTED, 1L, ErrorKind.NOT_SENT, 2_369L), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);
        ClientMetrics.ModelSnapshot replayed = new ClientMetrics.ModelSnapshot("gpt-4o-mini", 0, 0, 0, 0,
                Map.of(), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

        assertThat(summary.render(new ClientMetrics.Snapshot(Duration.ofSeconds(1), Map.of("gpt-4o-mini", stopped)),
                null, null)).endsWith("  1 request sent in real time\n");
        assertThat(summary.render(new ClientMetrics.Snapshot(Duration.ZERO, Map.of("gpt-4o-mini", replayed)), null,
                null)).endsWith("  0 requests sent in real time\n");
    }

    @Test
    void anEmptyRunSaysSo() {
        assertThat(summary.render(null, null, null)).isEqualTo("evalunit: no benchmark invocations ran\n");
        assertThat(summary.figures()).isEmpty();
    }

    @Test
    void aHundredThousandResultsComeToTheRightFigures() {
        // 2,000 questions x 5 temperatures x 10 samples; samples 1-7 answer "A" (right), 8-10 answer "b " or "B".
        double[] temperatures = {0.0, 0.25, 0.5, 0.75, 1.0};
        IntStream.range(0, 100_000).parallel().forEach(i -> {
            int question = i / 50;
            double t = temperatures[(i / 10) % 5];
            int sample = i % 10 + 1;
            boolean right = sample <= 7;
            summary.add(new InvocationResult("TruthfulQA", "picksTheTrueOption", "tqa-" + question, t, sample,
                    right ? Outcome.PASSED : Outcome.FAILED, right ? "A" : sample == 8 ? "b " : "B",
                    100, 1, 0.000_01, Duration.ofMillis(100), null, false));
        });

        SuiteFigures suite = summary.figures().get("TruthfulQA");
        assertThat(suite.invocations()).isEqualTo(100_000);
        assertThat(suite.tokens()).isEqualTo(10_100_000);
        assertThat(suite.temperatures()).hasSize(5).allSatisfy(row -> {
            assertThat(row.invocations()).isEqualTo(20_000);
            assertThat(row.passRate().getAsDouble()).isCloseTo(0.7, within(1e-12));
            assertThat(row.agreement().getAsDouble()).isCloseTo(0.7, within(1e-12));
            assertThat(row.sampledGroups()).isEqualTo(2_000);
            assertThat(row.costUsd()).isCloseTo(0.2, within(1e-9));
        });
    }

    private void add(int times, Outcome status) {
        for (int i = 0; i < times; i++) {
            summary.add(of("TruthfulQA", "q" + i, 0.0, 1, status, "A"));
        }
    }

    private static ClientMetrics.Snapshot metrics() {
        ClientMetrics.ModelSnapshot model = new ClientMetrics.ModelSnapshot("gpt-4o-mini", 853, 0, 0, 0,
                Map.<ErrorKind, Long>of(), 0, 0, 0, 0, 120, 231, 300, 400, 120, 250, 853);
        return new ClientMetrics.Snapshot(Duration.ofSeconds(10), Map.of("gpt-4o-mini", model));
    }
}
