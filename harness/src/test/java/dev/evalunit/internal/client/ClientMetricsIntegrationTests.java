package dev.evalunit.internal.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.evalunit.client.ClientMetrics;
import dev.evalunit.ChatRequest;
import dev.evalunit.Completion;
import dev.evalunit.ErrorKind;
import dev.evalunit.ServiceUnavailableException;
import dev.evalunit.simulator.Latency;
import dev.evalunit.simulator.OpenAiSimulator;
import dev.evalunit.simulator.SimulatorOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** What {@link MetricsRecorder} reports after a run of successes and failures. */
class ClientMetricsIntegrationTests {

    @AutoClose
    private OpenAiSimulator simulator;
    @AutoClose
    private ThrottledClient client;

    @Test
    void theSnapshotAddsUpWhatTheCompletionsSaid() {
        // Given a client that does not retry, and three scripted server errors among eight requests
        simulator = OpenAiSimulator.start(SimulatorOptions.builder().latency(Latency.fixed(Duration.ofMillis(5))).build());
        client = ThrottledClient.create(Simulated.config(simulator).withRetry(Simulated.retries(1)));
        List<Completion> answers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            answers.add(client.generate(ChatRequest.user("Question number " + i + "?")));
        }
        simulator.failNext(3, 500, "server_error");
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> client.generate(ChatRequest.user("doomed"))).isInstanceOf(ServiceUnavailableException.class);
        }

        ClientMetrics.Snapshot s = client.metrics().snapshot();

        assertThat(s.succeeded()).isEqualTo(5);
        assertThat(s.failed()).isEqualTo(3);
        assertThat(s.retries()).isZero();
        assertThat(s.errorsByKind()).containsExactlyEntriesOf(Map.of(ErrorKind.SERVER_ERROR, 3L));
        ClientMetrics.ModelSnapshot m = s.models().get("gpt-4o-mini");
        assertThat(s.models()).containsOnlyKeys("gpt-4o-mini");
        assertThat(m.p50Ms()).isPositive();
        assertThat(m.p50Ms()).isLessThanOrEqualTo(m.p95Ms());
        assertThat(m.p95Ms()).isLessThanOrEqualTo(m.p99Ms());
        assertThat(m.p99Ms()).isLessThanOrEqualTo(m.maxMs());
        assertThat(m.elapsedP50Ms()).isPositive();
        assertThat(s.promptTokens()).isEqualTo(answers.stream().mapToLong(Completion::promptTokens).sum());
        assertThat(s.completionTokens()).isEqualTo(answers.stream().mapToLong(Completion::completionTokens).sum());
        assertThat(s.costUsd()).isCloseTo(answers.stream().mapToDouble(Completion::costUsd).sum(), within(1e-9));
        assertThat(s.throughputPerSecond()).isPositive();
        assertThat(s.window()).isPositive();
    }
}
