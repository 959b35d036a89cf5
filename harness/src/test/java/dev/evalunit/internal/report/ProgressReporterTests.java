package dev.evalunit.internal.report;

import static dev.evalunit.internal.report.Results.result;
import static dev.evalunit.internal.report.Results.spent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.evalunit.client.ClientMetrics;
import dev.evalunit.ErrorKind;
import dev.evalunit.internal.report.InvocationResult.Outcome;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Plain lines on a fake clock, so every count, rate and ETA is exact; the bar only has to run. */
class ProgressReporterTests {

    private static final long SECOND = 1_000_000_000L;

    private final AtomicLong clock = new AtomicLong(5 * SECOND);
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final ProgressOptions plain = ProgressOptions.defaults().withMode(ProgressMode.PLAIN)
            .withOut(new PrintStream(bytes, true, StandardCharsets.UTF_8)).withNanoTime(clock::get).withTicker(false);

    @Test
    void plainPrintsALineOnceTheIntervalHasPassedAndALastLineAtClose() {
        try (ProgressReporter progress = ProgressReporter.start("TruthfulQA", 3000, null, plain)) {
            stepTimes(progress, 998, Outcome.PASSED);
            clock.addAndGet(9 * SECOND);
            progress.step(result(Outcome.PASSED));
            assertThat(lines()).as("nothing before the interval").isEmpty();

            clock.addAndGet(SECOND);
            progress.step(result(Outcome.PASSED));
            stepTimes(progress, 198, Outcome.PASSED);
            progress.step(result(Outcome.ERROR));
            progress.step(result(Outcome.ERROR));
            assertThat(lines()).as("one line per interval, however many steps").hasSize(1);
            // 1,000 done in 10 s: 100.0/s on average. The ETA's rate is of the last 512 (a full buffer), 10 s
            // apart: 511 / 10 s = 51.1/s, so 2,000 to go take 39 s.
            assertThat(lines().get(0)).isEqualTo("evalunit TruthfulQA: 1000/3000+ (33.3%) 100.0/s ETA 39s at 51.1/s"
                    + " errors 0 tokens 120,000 cost $0.1000");

            clock.addAndGet(5 * SECOND);
        }
        assertThat(lines()).hasSize(2);
        assertThat(lines().get(1)).isEqualTo(
                "evalunit TruthfulQA: 1200/3000 (40.0%) 80.0/s done in 15s errors 2 tokens 144,000 cost $0.1200");
    }

    @Test
    void theNextLineIsDueOneIntervalAfterTheLastOne() {
        try (ProgressReporter progress = ProgressReporter.start("Smoke", 10, null,
                plain.withInterval(Duration.ofSeconds(2)))) {
            for (int i = 0; i < 10; i++) {
                clock.addAndGet(SECOND);
                progress.step(result(Outcome.PASSED));
            }
        }
        assertThat(lines()).extracting(l -> l.substring(0, l.indexOf(" (")))
                .as("the total may still grow until the last line")
                .containsExactly("evalunit Smoke: 2/10+", "evalunit Smoke: 4/10+", "evalunit Smoke: 6/10+",
                        "evalunit Smoke: 8/10+", "evalunit Smoke: 10/10+", "evalunit Smoke: 10/10");
    }

    @Test
    void addTotalCountsInTheLinesFromThenOn() {
        try (ProgressReporter progress = ProgressReporter.start("Smoke", 10, null, plain)) {
            progress.addTotal(30);
            stepTimes(progress, 10, Outcome.PASSED);
            assertThat(progress.total()).isEqualTo(40);
            clock.addAndGet(10 * SECOND);
            progress.step(result(Outcome.FAILED));
        }
        // 10 at once, then one 10 s later: 10 / 10 s = 1.0/s recently, so 29 to go take 29 s.
        assertThat(lines().get(0)).startsWith("evalunit Smoke: 11/40+ (27.5%) 1.1/s ETA 29s at 1.0/s ");
        assertThat(lines().get(1)).startsWith("evalunit Smoke: 11/40 (27.5%) ");
    }

    @Test
    void aRunWhereNothingFinishedStillEndsWithALine() {
        ProgressReporter progress = ProgressReporter.start("Smoke", 10, null, plain);
        clock.addAndGet(10 * SECOND);
        progress.close();

        assertThat(lines()).containsExactly(
                "evalunit Smoke: 0/10 (0.0%) 0.0/s done in 10s errors 0 tokens 0 cost $0.0000");
    }

    @Test
    void replayedAnswersCostNothingNow() {
        try (ProgressReporter progress = ProgressReporter.start("Smoke", 2, null, plain)) {
            progress.step(spent(Outcome.PASSED, 1000, 500, 0.5, true));
            progress.step(spent(Outcome.PASSED, 100, 50, 0.01, false));
        }
        assertThat(lines().get(0)).endsWith("errors 0 tokens 150 cost $0.0100");
    }

    @Test
    void tokensAndCostComeFromTheClientWhenItsMetricsAreGiven() {
        ClientMetrics.ModelSnapshot model = new ClientMetrics.ModelSnapshot("gpt-4o-mini", 3, 0, 0, 0,
                Map.<ErrorKind, Long>of(), 150_000, 3_200, 0, 0.0231, 100, 231, 300, 400, 120, 250, 3);
        ClientMetrics.Snapshot snapshot = new ClientMetrics.Snapshot(Duration.ofSeconds(1), Map.of("gpt-4o-mini", model));

        try (ProgressReporter progress = ProgressReporter.start("Smoke", 1, () -> snapshot, plain)) {
            progress.step(spent(Outcome.PASSED, 1, 1, 9.99, false));
        }
        assertThat(lines().get(0)).endsWith("errors 0 tokens 153,200 cost $0.0231");
    }

    @Test
    void theEtaGoesAtThePaceOfRequestsNotAtTheAverageThatReplaysInflate() {
        try (ProgressReporter progress = ProgressReporter.start("TruthfulQA", 3000, null, plain)) {
            // Given 900 answers replayed from the checkpoint at once
            for (int i = 0; i < 900; i++) {
                progress.step(spent(Outcome.PASSED, 100, 20, 0.0001, true));
            }
            assertThat(progress.pace(clock.get())).as("no request finished yet: no rate, no ETA").isEmpty();

            // When the next 100 are sent and answered at 5/s, for 20 s
            for (int i = 0; i < 100; i++) {
                clock.addAndGet(SECOND / 5);
                progress.step(result(Outcome.PASSED));
            }

            // Then the 2,000 left take 400 s at 5/s, not 40 s at the run's average of 50/s
            assertThat(progress.pace(clock.get())).hasValueSatisfying(pace -> {
                assertThat(pace.perSecond()).isCloseTo(5.0, within(1e-9));
                assertThat(pace.eta()).isEqualTo(Duration.ofSeconds(400));
            });
        }
        assertThat(lines()).hasSize(3);
        assertThat(lines().get(0)).as("at 15 s the requests span 9.8 s, too few to know their pace")
                .startsWith("evalunit TruthfulQA: 950/3000+ (31.7%) 95.0/s ETA -- errors 0 ");
        assertThat(lines().get(1)).startsWith("evalunit TruthfulQA: 1000/3000+ (33.3%) 50.0/s ETA 6m40s at 5.0/s ");
    }

    @Test
    void aReplayThatSendsARequestNowAndThenShowsNoEtaWhileItReplays() {
        try (ProgressReporter progress = ProgressReporter.start("TruthfulQA", 5000, null, plain)) {
            // a replay of 5,000 answers of which 1 in 50 sends a request (a judge changed), 1 a second
            for (int i = 1; i <= 1500; i++) {
                if (i % 50 == 0) {
                    clock.addAndGet(SECOND);
                    progress.step(result(Outcome.PASSED));
                } else {
                    progress.step(spent(Outcome.PASSED, 100, 20, 0.0001, true));
                }
            }
            assertThat(progress.pace(clock.get())).as("answers are being replayed: no ETA at 1 request a second")
                    .isEmpty();

            // once the replay is over and the rest are sent, the ETA is back
            clock.addAndGet(6 * SECOND);
            for (int i = 0; i < 60; i++) {
                clock.addAndGet(SECOND / 5);
                progress.step(result(Outcome.PASSED));
            }
            assertThat(progress.pace(clock.get())).isPresent();
        }
        assertThat(lines()).noneMatch(line -> line.contains(" ETA ") && !line.contains("ETA --")
                && line.contains("/5000+ (2")); // no line of the replay's part shows an ETA
    }

    @Test
    void batchAnswersSkipsAndAbortsDoNotCountInThePace() {
        try (ProgressReporter progress = ProgressReporter.start("Smoke", 100, null, plain)) {
            for (int i = 0; i < 20; i++) {
                clock.addAndGet(SECOND);
                progress.step(result(Outcome.PASSED), true);
                progress.step(result(Outcome.ABORTED), true);
                progress.step(result(Outcome.SKIPPED));
                progress.step(result(Outcome.PASSED));
            }
            // 20 sent, one a second: 19 / 19 s; the 60 others came as fast but waited on no request of their own.
            assertThat(progress.pace(clock.get())).hasValueSatisfying(pace -> {
                assertThat(pace.perSecond()).isCloseTo(1.0, within(1e-9));
                assertThat(pace.eta()).isEqualTo(Duration.ofSeconds(20));
            });
        }
    }

    @Test
    void batchAnswersAddTheirTokensAndCostToTheClientsMetrics() {
        ClientMetrics.ModelSnapshot model = new ClientMetrics.ModelSnapshot("gpt-4o-mini", 3, 0, 0, 0,
                Map.<ErrorKind, Long>of(), 150_000, 3_200, 0, 0.0231, 100, 231, 300, 400, 120, 250, 3);
        ClientMetrics.Snapshot snapshot = new ClientMetrics.Snapshot(Duration.ofSeconds(1), Map.of("gpt-4o-mini", model));

        try (ProgressReporter progress = ProgressReporter.start("Smoke", 3, () -> snapshot, plain)) {
            progress.step(spent(Outcome.PASSED, 1000, 500, 0.5, false), true);
            // Sent through the client, so already in its metrics; and replayed ones cost nothing now.
            progress.step(spent(Outcome.PASSED, 1, 1, 9.99, false));
            progress.step(spent(Outcome.PASSED, 1, 1, 9.99, true));
        }
        assertThat(lines().get(0)).endsWith("errors 0 tokens 154,700 cost $0.5231");
    }

    @Test
    void withoutMetricsBatchAnswersCountOnce() {
        try (ProgressReporter progress = ProgressReporter.start("Smoke", 2, null, plain)) {
            progress.step(spent(Outcome.PASSED, 1000, 500, 0.5, false), true);
            progress.step(spent(Outcome.PASSED, 100, 50, 0.01, false));
        }
        assertThat(lines().get(0)).endsWith("errors 0 tokens 1,650 cost $0.5100");
    }

    @Test
    void theBarShowsTheEtaAtTheRecentRate() {
        try (ProgressReporter progress = ProgressReporter.start("TruthfulQA", 100, null,
                plain.withMode(ProgressMode.BAR))) {
            for (int i = 0; i < 20; i++) {
                clock.addAndGet(SECOND);
                progress.step(result(Outcome.PASSED));
            }
        }
        // 20 answered a second apart: 1/s, so the 80 left take 1 min 20 s.
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("20/100").contains("0:01:20");
    }

    @Test
    void offPrintsNothing() {
        try (ProgressReporter progress = ProgressReporter.start("Smoke", 5, null, plain.withMode(ProgressMode.OFF))) {
            stepTimes(progress, 5, Outcome.PASSED);
            clock.addAndGet(60 * SECOND);
            progress.step(result(Outcome.ERROR));
            assertThat(progress.done()).isEqualTo(6);
        }
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void barRunsOnAStreamThatIsNoTerminal() {
        ProgressOptions bar = plain.withMode(ProgressMode.BAR);
        try (ProgressReporter progress = ProgressReporter.start("TruthfulQA", 4, null, bar)) {
            progress.step(result(Outcome.PASSED));
            progress.addTotal(2);
            progress.step(result(Outcome.ERROR));
            clock.addAndGet(2 * SECOND);
            progress.step(result(Outcome.FAILED));
        }
        String drawn = bytes.toString(StandardCharsets.UTF_8);
        assertThat(drawn).contains("evalunit TruthfulQA").contains("3/6").contains("errors 1 tokens 360 cost $0.0003");
    }

    @Test
    void closingTwiceAndSteppingAfterCloseChangeNothing() {
        ProgressReporter progress = ProgressReporter.start("Smoke", 1, null, plain);
        progress.step(result(Outcome.PASSED));
        progress.close();
        progress.close();
        progress.step(result(Outcome.PASSED));

        assertThat(lines()).hasSize(1);
        assertThat(progress.done()).isEqualTo(1);
    }

    @Test
    void autoDrawsTheBarOnlyOnATerminalOutsideCi() {
        assertThat(ProgressMode.AUTO.resolve(true, null)).isEqualTo(ProgressMode.BAR);
        assertThat(ProgressMode.AUTO.resolve(true, "")).isEqualTo(ProgressMode.BAR);
        assertThat(ProgressMode.AUTO.resolve(true, "true")).isEqualTo(ProgressMode.PLAIN);
        assertThat(ProgressMode.AUTO.resolve(false, null)).isEqualTo(ProgressMode.PLAIN);
        assertThat(ProgressMode.PLAIN.resolve(true, null)).isEqualTo(ProgressMode.PLAIN);
        assertThat(ProgressMode.BAR.resolve(false, "true")).isEqualTo(ProgressMode.BAR);
        assertThat(ProgressMode.OFF.resolve(true, null)).isEqualTo(ProgressMode.OFF);
    }

    @Test
    void autoIsPlainWithoutAConsole() {
        try (ProgressReporter progress = ProgressReporter.start("Smoke", 1, null,
                plain.withMode(ProgressMode.AUTO), false, null)) {
            progress.step(result(Outcome.PASSED));
        }
        assertThat(lines()).singleElement().asString().startsWith("evalunit Smoke: 1/1 (100.0%)");
    }

    @Test
    void rejectsNegativeTotals() {
        assertThatThrownBy(() -> ProgressReporter.start("Smoke", -1, null, plain))
                .hasMessage("total must be >= 0 but was -1");
        try (ProgressReporter progress = ProgressReporter.start("Smoke", 1, null, plain)) {
            assertThatThrownBy(() -> progress.addTotal(-2)).hasMessage("more must be >= 0 but was -2");
        }
    }

    private static void stepTimes(ProgressReporter progress, int times, Outcome status) {
        for (int i = 0; i < times; i++) {
            progress.step(result(status));
        }
    }

    private List<String> lines() {
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }
}
