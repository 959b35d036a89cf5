package dev.evalunit.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.BadRequestException;
import com.anthropic.errors.NotFoundException;
import com.anthropic.models.ErrorObject;
import com.anthropic.models.messages.batches.BatchCreateParams;
import com.anthropic.models.messages.batches.MessageBatch;
import com.anthropic.models.messages.batches.MessageBatchIndividualResponse;
import com.anthropic.models.messages.batches.MessageBatchRequestCounts;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * anthropic-java's Message Batches client, with response validation on, against the simulator on a
 * {@link ManualClock}: a batch created, polled until it has ended, its results read; canceled; expired; listed and
 * deleted. Each phase takes a second: validating, each request, finalizing, canceling.
 */
class SimulatorMessageBatchTests {

    private static final ManualClock clock = new ManualClock();
    private static final BatchOptions SECONDS = BatchOptions.builder().validatingTime(Duration.ofSeconds(1))
            .requestTime(Duration.ofSeconds(1)).finalizingTime(Duration.ofSeconds(1))
            .cancellingTime(Duration.ofSeconds(1)).build();
    private static final SimulatorOptions OPTIONS = SimulatorOptions.builder().nanoTime(clock).batch(SECONDS).build();
    @AutoClose
    private static final OpenAiSimulator simulator = OpenAiSimulator.start(OPTIONS);
    private static final AnthropicClient client = SimulatorAnthropicTests.client(simulator);

    @AfterAll
    static void closeClient() {
        client.close();
    }

    @BeforeEach
    void reset() {
        simulator.reconfigure(OPTIONS);
        simulator.reset();
    }

    private static BatchCreateParams.Request request(String customId, String question) {
        return BatchCreateParams.Request.builder().customId(customId).params(params(question).build()).build();
    }

    private static BatchCreateParams.Request.Params.Builder params(String question) {
        return BatchCreateParams.Request.Params.builder().model("claude-haiku-4-5").maxTokens(50)
                .addUserMessage(question);
    }

    private static MessageBatch create(int requests) {
        BatchCreateParams.Builder batch = BatchCreateParams.builder();
        for (int i = 0; i < requests; i++) {
            batch.addRequest(request("q" + i, "Question " + i + "?\nA. yes\nB. no"));
        }
        return client.messages().batches().create(batch.build());
    }

    private static List<MessageBatchIndividualResponse> results(String id) {
        try (StreamResponse<MessageBatchIndividualResponse> results = client.messages().batches().resultsStreaming(id)) {
            return results.stream().collect(Collectors.toList());
        }
    }

    private static void assertCounts(MessageBatch batch, long processing, long succeeded, long errored, long canceled,
                                     long expired) {
        MessageBatchRequestCounts counts = batch.requestCounts();
        assertThat(List.of(counts.processing(), counts.succeeded(), counts.errored(), counts.canceled(),
                counts.expired())).containsExactly(processing, succeeded, errored, canceled, expired);
    }

    @Test
    void runsABatchUntilItHasEndedAndServesItsResults() {
        BatchCreateParams params = BatchCreateParams.builder()
                .addRequest(request("q0", "Which is larger?\nA. the sun\nB. the moon"))
                .addRequest(request("q1", "Capital of France?"))
                .addRequest(BatchCreateParams.Request.builder().customId("q2").params(params("Too hot?")
                        .putAdditionalProperty("temperature", JsonValue.from(1.5)).build()).build())
                .build();

        MessageBatch created = client.messages().batches().create(params);

        assertThat(created.id()).startsWith("msgbatch_01");
        assertThat(created.processingStatus()).isEqualTo(MessageBatch.ProcessingStatus.IN_PROGRESS);
        assertCounts(created, 3, 0, 0, 0, 0);
        assertThat(created.endedAt()).isEmpty();
        assertThat(created.resultsUrl()).isEmpty();
        assertThat(Duration.between(created.createdAt(), created.expiresAt())).isEqualTo(Duration.ofHours(24));
        assertThatThrownBy(() -> results(created.id())).isInstanceOf(BadRequestException.class);

        // Still in progress after validating and two of its three requests: every request still counted processing
        clock.advance(Duration.ofSeconds(3));
        assertCounts(client.messages().batches().retrieve(created.id()), 3, 0, 0, 0, 0);

        // Ended after the third request and finalizing
        clock.advance(Duration.ofSeconds(2));
        MessageBatch ended = client.messages().batches().retrieve(created.id());
        assertThat(ended.processingStatus()).isEqualTo(MessageBatch.ProcessingStatus.ENDED);
        assertCounts(ended, 0, 2, 1, 0, 0);
        assertThat(ended.endedAt()).hasValue(created.createdAt().plusSeconds(5));
        assertThat(ended.resultsUrl()).hasValue(simulator.anthropicBaseUrl() + "/v1/messages/batches/" + created.id()
                + "/results");

        List<MessageBatchIndividualResponse> results = results(created.id());
        assertThat(results).extracting(MessageBatchIndividualResponse::customId).containsExactly("q0", "q1", "q2");
        assertThat(results.get(0).result().succeeded()).hasValueSatisfying(succeeded -> {
            assertThat(succeeded.message().content().get(0).asText().text()).isIn("A", "B");
            assertThat(succeeded.message().usage().inputTokens()).isPositive();
        });
        assertThat(results.get(1).result().isSucceeded()).isTrue();
        assertThat(results.get(2).result().errored()).hasValueSatisfying(errored -> {
            assertThat(errored.error().error().type()).isEqualTo(ErrorObject.Type.INVALID_REQUEST_ERROR);
            assertThat(errored.error().error().message()).isEqualTo("temperature: Input should be less than or equal to 1");
        });
        assertThat(simulator.requests().calls("GET /v1/messages/batches/{message_batch_id}/results")).isEqualTo(2);
        assertThat(simulator.requests().calls("POST /v1/messages/batches")).isEqualTo(1);
    }

    @Test
    void aCanceledBatchKeepsTheResultsOfTheRequestsThatRanAndCancelsTheRest() {
        MessageBatch created = create(5);
        clock.advance(Duration.ofMillis(3500)); // validated, and two requests run

        MessageBatch canceling = client.messages().batches().cancel(created.id());

        assertThat(canceling.processingStatus()).isEqualTo(MessageBatch.ProcessingStatus.CANCELING);
        assertThat(canceling.cancelInitiatedAt()).hasValue(created.createdAt().plusNanos(3_500_000_000L));
        clock.advance(Duration.ofSeconds(1));
        MessageBatch ended = client.messages().batches().retrieve(created.id());
        assertThat(ended.processingStatus()).isEqualTo(MessageBatch.ProcessingStatus.ENDED);
        assertCounts(ended, 0, 2, 0, 3, 0);
        assertThat(results(created.id())).extracting(r -> r.result().isCanceled())
                .containsExactly(false, false, true, true, true);
    }

    @Test
    void aBatchStillRunningAtTheEndOfItsWindowExpires() {
        simulator.reconfigure(OPTIONS.toBuilder().batch(SECONDS.toBuilder().completionWindow(Duration.ofSeconds(3))
                .build()).build());
        MessageBatch created = create(5);

        clock.advance(Duration.ofSeconds(3));
        MessageBatch ended = client.messages().batches().retrieve(created.id());

        assertThat(ended.processingStatus()).isEqualTo(MessageBatch.ProcessingStatus.ENDED);
        assertCounts(ended, 0, 2, 0, 0, 3);
        assertThat(results(created.id())).extracting(r -> r.result().isExpired())
                .containsExactly(false, false, true, true, true);
    }

    @Test
    void failsAShareOfRequestsWithAnApiError() {
        simulator.reconfigure(OPTIONS.toBuilder().batch(BatchOptions.instant().toBuilder().failedLineShare(1).build())
                .build());

        MessageBatch batch = create(2);

        assertCounts(batch, 0, 0, 2, 0, 0);
        assertThat(results(batch.id())).allSatisfy(r -> assertThat(r.result().errored()).hasValueSatisfying(errored ->
                assertThat(errored.error().error().type()).isEqualTo(ErrorObject.Type.API_ERROR)));
    }

    @Test
    void listsNewestFirstAndDeletesOnlyAnEndedBatch() {
        MessageBatch first = create(1);
        MessageBatch second = create(1);

        assertThat(client.messages().batches().list().data()).extracting(MessageBatch::id)
                .containsExactly(second.id(), first.id());
        assertThatThrownBy(() -> client.messages().batches().delete(first.id())).isInstanceOf(BadRequestException.class);

        clock.advance(Duration.ofSeconds(3));
        assertThat(client.messages().batches().delete(first.id()).id()).isEqualTo(first.id());
        assertThatThrownBy(() -> client.messages().batches().retrieve(first.id())).isInstanceOf(NotFoundException.class);
        assertThat(client.messages().batches().list().data()).extracting(MessageBatch::id).containsExactly(second.id());
    }

    @Test
    void refusesABatchOfRepeatedCustomIdsAndAnyBatchWithoutCredit() {
        assertThatThrownBy(() -> client.messages().batches().create(BatchCreateParams.builder()
                .addRequest(request("same", "a?")).addRequest(request("same", "b?")).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.apiMessage())
                        .hasValueSatisfying(message -> assertThat(message).contains("custom_id 'same'")));

        simulator.reconfigure(OPTIONS.toBuilder().insufficientQuota(true).build());
        assertThatThrownBy(() -> create(1)).isInstanceOfSatisfying(BadRequestException.class, e ->
                assertThat(e.apiMessage()).hasValueSatisfying(message -> assertThat(message)
                        .startsWith("Your credit balance is too low")));
        assertThat(client.messages().batches().list().data()).isEmpty();
    }
}
