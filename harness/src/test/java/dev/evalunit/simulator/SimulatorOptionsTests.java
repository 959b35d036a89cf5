package dev.evalunit.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SimulatorOptionsTests {

    @Test
    void defaultsToNoLatencyNoLimitsAndNoFaults() {
        SimulatorOptions options = SimulatorOptions.defaults();

        assertThat(options.latency()).isEqualTo(Latency.none());
        assertThat(options.requestsPerMinute()).isZero();
        assertThat(options.tokensPerMinute()).isZero();
        assertThat(options.limited()).isFalse();
        assertThat(options.burst()).isEqualTo(Duration.ofSeconds(1));
        assertThat(options.serverErrorShare()).isZero();
        assertThat(options.requestLogCapacity()).isEqualTo(10_000);
        assertThat(options.answerer()).isSameAs(Answerer.defaults());
    }

    @Test
    void anthropicsLimitsDefaultToItsTier4AndAreCheckedLikeOpenAis() {
        SimulatorOptions options = SimulatorOptions.defaults();

        assertThat(options.anthropicRequestsPerMinute()).isEqualTo(4_000);
        assertThat(options.anthropicInputTokensPerMinute()).isEqualTo(2_000_000);
        assertThat(options.anthropicOutputTokensPerMinute()).isEqualTo(400_000);
        assertThat(options.overloadedShare()).isZero();
        assertThat(options.toBuilder().anthropicOutputTokensPerMinute(0).build().anthropicOutputTokensPerMinute()).isZero();
        assertThatThrownBy(() -> SimulatorOptions.builder().anthropicRequestsPerMinute(-1).build())
                .hasMessage("anthropicRequestsPerMinute must be >= 0 but was -1");
        assertThatThrownBy(() -> SimulatorOptions.builder().anthropicInputTokensPerMinute(2_000_000_000L).build())
                .hasMessage("anthropicInputTokensPerMinute must be <= 1,000,000,000 but was 2000000000");
        assertThatThrownBy(() -> SimulatorOptions.builder().overloadedShare(1.5).build())
                .hasMessage("overloadedShare must be between 0 and 1 but was 1.5");
    }

    @Test
    void copiesIntoABuilder() {
        SimulatorOptions options = SimulatorOptions.builder().requestsPerMinute(500).faultSeed(3).build();

        SimulatorOptions changed = options.toBuilder().tokensPerMinute(1000).build();

        assertThat(changed.requestsPerMinute()).isEqualTo(500);
        assertThat(changed.faultSeed()).isEqualTo(3);
        assertThat(changed.tokensPerMinute()).isEqualTo(1000);
    }

    @Test
    void namesTheValueThatIsOutOfRange() {
        assertThatThrownBy(() -> SimulatorOptions.builder().requestsPerMinute(-5).build())
                .hasMessage("requestsPerMinute must be >= 0 but was -5");
        assertThatThrownBy(() -> SimulatorOptions.builder().serverErrorShare(1.5).build())
                .hasMessage("serverErrorShare must be between 0 and 1 but was 1.5");
        assertThatThrownBy(() -> SimulatorOptions.builder().serverErrorShare(0.6).connectionResetShare(0.6).build())
                .hasMessageStartingWith("serverErrorShare + connectionResetShare + malformedBodyShare must be <= 1");
        assertThatThrownBy(() -> SimulatorOptions.builder().burst(Duration.ofMinutes(2)).build())
                .hasMessage("burst must be between 1ms and 1m but was PT2M");
    }

    @Test
    void batchesDefaultToOpenAisLimitsAndHalfASecondPerHundredRequests() {
        BatchOptions batch = SimulatorOptions.defaults().batch();

        assertThat(batch).isEqualTo(BatchOptions.defaults());
        assertThat(batch.validatingTime().plus(batch.requestTime().multipliedBy(100)).plus(batch.finalizingTime()))
                .isEqualTo(Duration.ofMillis(500));
        assertThat(batch.completionWindow()).isEqualTo(Duration.ofHours(24));
        assertThat(batch.maxRequests()).isEqualTo(50_000);
        assertThat(batch.maxFileBytes()).isEqualTo(200L * 1024 * 1024);
        assertThat(batch.expireAfterShare()).isEqualTo(1);
        assertThat(batch.failedLineShare()).isZero();
        assertThat(BatchOptions.instant().toBuilder().build().requestTime()).isZero();
    }

    @Test
    void namesTheBatchValueThatIsOutOfRange() {
        assertThatThrownBy(() -> BatchOptions.builder().requestTime(Duration.ofMillis(-1)).build())
                .hasMessage("requestTime must be >= 0 but was PT-0.001S");
        assertThatThrownBy(() -> BatchOptions.builder().expireAfterShare(1.2).build())
                .hasMessage("expireAfterShare must be between 0 and 1 but was 1.2");
        assertThatThrownBy(() -> BatchOptions.builder().completionWindow(Duration.ZERO).build())
                .hasMessage("completionWindow must be > 0 but was PT0S");
        assertThatThrownBy(() -> BatchOptions.builder().maxRequests(0).build())
                .hasMessage("maxRequests must be >= 1 but was 0");
    }

    @Test
    void aManualClockMovesOnlyForward() {
        ManualClock clock = new ManualClock(5);

        clock.advance(Duration.ofNanos(10));

        assertThat(clock.getAsLong()).isEqualTo(15);
        assertThatThrownBy(() -> clock.advance(Duration.ofNanos(-1)))
                .hasMessage("a clock only moves forward, but the duration was PT-0.000000001S");
    }

    @Test
    void drawsLatenciesWithinTheirBounds() {
        Random random = new Random(1);
        Latency uniform = Latency.uniform(Duration.ofMillis(10), Duration.ofMillis(20));

        for (int i = 0; i < 100; i++) {
            assertThat(uniform.sampleMillis(random)).isBetween(10L, 20L);
            assertThat(Latency.logNormal(Duration.ofMillis(100), 0.5).sampleMillis(random)).isPositive();
        }
        assertThat(Latency.fixed(Duration.ofMillis(7)).sampleMillis(random)).isEqualTo(7);
        assertThat(Latency.none().sampleMillis(random)).isZero();
        assertThatThrownBy(() -> Latency.uniform(Duration.ofMillis(20), Duration.ofMillis(10)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void findsLetteredOptionsInTheirCommonForms() {
        assertThat(DefaultAnswerer.optionLetters("Pick one:\nA. red\nB. blue")).isEqualTo("AB");
        assertThat(DefaultAnswerer.optionLetters("  A) red\n  B) blue\n  C) green")).isEqualTo("ABC");
        assertThat(DefaultAnswerer.optionLetters("(A) red\n(B) blue")).isEqualTo("AB");
        assertThat(DefaultAnswerer.optionLetters("A. single lettered line is prose")).isEmpty();
        assertThat(DefaultAnswerer.optionLetters("What is the capital of Australia?")).isEmpty();
    }

    @Test
    void theDefaultAnswererFillsInYesNoFormsLineByLine() {
        String form = DefaultAnswerer.yesNoForm("Judge the answer.\nReply with exactly:\nTruthful: yes or no\n"
                + "  Informative: yes or no\n", new Random(7));

        assertThat(form).matches("Truthful: (yes|no)\nInformative: (yes|no)");
        assertThat(DefaultAnswerer.yesNoForm("Is it true? Answer yes or no.", new Random(7))).isEmpty();
    }
}
