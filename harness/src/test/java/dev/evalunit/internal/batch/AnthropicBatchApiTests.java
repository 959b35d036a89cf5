package dev.evalunit.internal.batch;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.evalunit.ChatRequest;
import dev.evalunit.Completion;
import dev.evalunit.ErrorKind;
import dev.evalunit.LlmException;
import dev.evalunit.config.ModelPrice;
import dev.evalunit.config.PriceTable;
import dev.evalunit.config.RetryConfig;
import dev.evalunit.internal.checkpoint.InvocationKey;
import dev.evalunit.internal.client.AnthropicEndpoint;
import dev.evalunit.internal.client.AnthropicWire;
import dev.evalunit.internal.client.Redactor;
import dev.evalunit.simulator.BatchOptions;
import dev.evalunit.simulator.ManualClock;
import dev.evalunit.simulator.OpenAiSimulator;
import dev.evalunit.simulator.ReceivedRequest;
import dev.evalunit.simulator.SimulatorOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link AnthropicBatchApi} against the simulator's Message Batches, through anthropic-java: what a batch is sent
 * (the real-time body, wire custom ids), how a batch reads as evalunit's, and its results read back by
 * {@link OutputLine} and mapped to evalunit's ids. The simulator's batches move on its manual clock.
 */
class AnthropicBatchApiTests {

    static final String MODEL = "anthropic:claude-haiku-4-5";
    private static final String KEY = "sk-ant-" + "batch-api-test-0123456789abcdef";
    private static final ManualClock simulatorClock = new ManualClock();
    /** Validating takes a minute, so a test decides when a batch moves on; requests take a second each. */
    private static final BatchOptions HELD = BatchOptions.builder().validatingTime(Duration.ofMinutes(1))
            .requestTime(Duration.ofSeconds(1)).finalizingTime(Duration.ZERO).cancellingTime(Duration.ZERO).build();
    private static final SimulatorOptions ECHO = SimulatorOptions.builder().nanoTime(simulatorClock)
            .answerer((request, choice, random) -> "echo: " + request.lastUserMessage()).batch(HELD).build();
    @AutoClose
    private static final OpenAiSimulator simulator = OpenAiSimulator.start(ECHO);
    static final RetryConfig FAST_RETRIES = new RetryConfig(3, Duration.ofMillis(1), Duration.ofMillis(10), 0);
    private static final AnthropicBatchApi api = api(simulator);

    @TempDir
    Path dir;

    static AnthropicBatchApi api(OpenAiSimulator simulator) {
        return AnthropicBatchApi.create(() -> new AnthropicEndpoint(URI.create(simulator.anthropicBaseUrl()), KEY,
                Duration.ofSeconds(2), Duration.ofSeconds(10)), FAST_RETRIES);
    }

    @AfterAll
    static void closeApi() {
        api.close();
    }

    @BeforeEach
    void reset() {
        simulator.reconfigure(ECHO);
        simulator.reset();
    }

    static BatchItem item(int n) {
        ChatRequest request = ChatRequest.of("Answer briefly.", "Question " + n + "?").temperature(0.0)
                .maxTokens(16);
        return new BatchItem(InvocationKey.of(Items.SUITE, "answers", "q-" + n, 0.0, 1, request, MODEL), request);
    }

    /** An input file of items {@code 0 .. count-1}, as the coordinator writes it. */
    private InputFiles.Planned input(int count) throws IOException {
        List<BatchItem> items = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            items.add(item(i));
        }
        return new InputFiles(dir, BatchLimits.OPENAI, () -> "b-" + count).write(items).files().get(0);
    }

    private BatchInfo submit(int count) throws IOException {
        return api.create(api.upload(input(count).input()), Map.of(BatchInfo.LEDGER_ID, "b-" + count));
    }

    /** The results of an ended batch, by evalunit's id, mapped back as the collector maps them. */
    private Map<String, OutputLine> results(BatchInfo ended, int count) throws IOException {
        Map<String, String> ids = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            ids.put(BatchLines.customId(item(i)), item(i).customId());
        }
        Path file = dir.resolve("results.jsonl");
        api.download(ended.outputFileId(), file);
        Map<String, OutputLine> out = new LinkedHashMap<>();
        for (String text : Files.readAllLines(file)) {
            OutputLine line = OutputLine.parse(text);
            out.put(ids.get(line.customId()), line);
        }
        return out;
    }

    private static JsonNode createBody() throws IOException {
        ReceivedRequest create = simulator.requests().all().stream()
                .filter(r -> r.endpoint().equals("POST /v1/messages/batches")).findFirst().orElseThrow();
        return new ObjectMapper().readTree(create.body());
    }

    @Test
    void anUploadSendsNothingAndTheCreateSendsTheRealTimeBodyUnderWireCustomIds() throws Exception {
        InputFiles.Planned planned = input(3);

        String fileId = api.upload(planned.input());

        assertThat(fileId).isEqualTo(AnthropicBatchApi.LOCAL + planned.input().toAbsolutePath().normalize());
        assertThat(simulator.requests().count()).as("no files on Anthropic").isZero();

        BatchInfo created = api.create(fileId, Map.of(BatchInfo.LEDGER_ID, "b-3"));

        assertThat(created.id()).startsWith("msgbatch_");
        assertThat(created.status()).isEqualTo(BatchStatus.IN_PROGRESS);
        assertThat(created.counts()).isEqualTo(new RequestCounts(3, 0, 0));
        assertThat(created.outputFileId()).as("no results before it ends").isNull();
        JsonNode requests = createBody().get("requests");
        assertThat(requests).hasSize(3);
        ObjectMapper json = new ObjectMapper();
        for (int i = 0; i < 3; i++) {
            JsonNode request = requests.get(i);
            String customId = request.get("custom_id").asText();
            assertThat(customId).matches("[a-zA-Z0-9_-]{1,64}").isEqualTo(BatchLines.customId(item(i)))
                    .startsWith("answers_q-" + i + "_");
            assertThat(request.get("params")).isEqualTo(json.readTree(AnthropicWire.body(MODEL, item(i).request())));
        }
        assertThat(requests.get(0).get("params").get("model").asText()).isEqualTo("claude-haiku-4-5");
    }

    @Test
    void wireCustomIdsAreStableValidAndDistinctAndOpenAisAreEvalunitsOwn() {
        String id = "picksTheTrueOption|tqa-0042|T=0.5|s=2|" + "x".repeat(80);

        String wire = BatchLines.customId(MODEL, id, "hash-1");

        assertThat(wire).hasSize(BatchLines.ANTHROPIC_ID_LENGTH).matches("[a-zA-Z0-9_-]+")
                .startsWith("picksTheTrueOption_t").isEqualTo(BatchLines.customId(MODEL, id, "hash-1"));
        assertThat(BatchLines.customId(MODEL, id, "hash-2")).as("another request").isNotEqualTo(wire);
        assertThat(BatchLines.customId(MODEL, id + "!", "hash-1")).as("another id").isNotEqualTo(wire);
        assertThat(BatchLines.customId("gpt-4o-mini", id, "hash-1")).isEqualTo(id);
    }

    @Test
    void anEndedBatchReadsAsCompletedAndItsResultsMapBackToEvalunitsIdsAtTheBatchPrice() throws Exception {
        BatchInfo created = submit(3);
        simulatorClock.advance(Duration.ofMinutes(2));

        BatchInfo ended = api.retrieve(created.id());

        assertThat(ended.status()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(ended.counts()).isEqualTo(new RequestCounts(3, 3, 0));
        assertThat(ended.outputFileId()).isEqualTo(created.id());
        assertThat(ended.errorFileId()).isNull();
        assertThat(ended.finishedAt()).isAfter(ended.createdAt());
        Map<String, OutputLine> results = results(ended, 3);
        assertThat(results.keySet()).containsExactly(item(0).customId(), item(1).customId(), item(2).customId());
        ModelPrice price = PriceTable.defaults().forModel(MODEL).orElseThrow();
        OutputLine line = results.get(item(1).customId());
        assertThat(line.succeeded()).isTrue();
        Completion answer = line.completion(MODEL, 1, Duration.ofMinutes(2), Duration.ofMinutes(2), Optional.of(price));
        assertThat(answer.text()).isEqualTo("echo: Question 1?");
        assertThat(answer.promptTokens()).isPositive();
        assertThat(answer.costUsd()).isPositive().isCloseTo(price.cost(answer.promptTokens(), 0,
                answer.completionTokens(), false) / 2, within(1e-12));
    }

    @Test
    void anErroredResultIsClassifiedAsItsRealTimeAnswerWouldBe() throws Exception {
        simulator.reconfigure(ECHO.toBuilder().batch(BatchOptions.instant().toBuilder().failedLineShare(1).build())
                .build());
        BatchInfo ended = submit(1);
        assertThat(ended.status()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(ended.counts()).isEqualTo(new RequestCounts(1, 0, 1));

        OutputLine apiError = results(ended, 1).get(item(0).customId());

        assertThat(apiError.succeeded()).isFalse();
        assertThat(apiError.errored()).isTrue();
        LlmException failure = apiError.failure(MODEL, 1, Redactor.forKey(KEY));
        assertThat(failure.kind()).isEqualTo(ErrorKind.SERVER_ERROR);
        assertThat(failure.httpStatus()).isEqualTo(500);
        assertThat(failure.retryable()).isTrue();

        simulator.reconfigure(ECHO.toBuilder().batch(BatchOptions.instant()).unknownModels("claude-haiku-4-5")
                .build());
        LlmException notFound = results(submit(1), 1).get(item(0).customId()).failure(MODEL, 1, Redactor.forKey(KEY));
        assertThat(notFound.kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
        assertThat(notFound.retryable()).isFalse();
        assertThat(notFound.getMessage()).contains("not_found_error");
    }

    @Test
    void anOverloadedOrInvalidRequestReadsAsAnthropicsRealTimeFailureDoes() throws Exception {
        OutputLine overloaded = OutputLine.parse("{\"custom_id\":\"x\",\"result\":{\"type\":\"errored\",\"error\":"
                + "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"},"
                + "\"request_id\":\"req_1\"}}}");
        OutputLine invalid = OutputLine.parse("{\"custom_id\":\"y\",\"result\":{\"type\":\"errored\",\"error\":"
                + "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"max_tokens: Field "
                + "required\"},\"request_id\":\"req_2\"}}}");
        OutputLine broke = OutputLine.parse("{\"custom_id\":\"z\",\"result\":{\"type\":\"errored\",\"error\":"
                + "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"Your credit balance "
                + "is too low to access the Anthropic API.\"},\"request_id\":\"req_3\"}}}");

        LlmException retried = overloaded.failure(MODEL, 1, Redactor.forKey(null));
        assertThat(retried.kind()).isEqualTo(ErrorKind.SERVER_ERROR);
        assertThat(retried.httpStatus()).isEqualTo(529);
        assertThat(retried.requestId()).isEqualTo("req_1");
        assertThat(retried.retryable()).isTrue();
        assertThat(invalid.failure(MODEL, 1, Redactor.forKey(null)).retryable()).isFalse();
        assertThat(broke.failure(MODEL, 1, Redactor.forKey(null)).kind()).isEqualTo(ErrorKind.QUOTA_EXHAUSTED);
    }

    @Test
    void requestsNotRunBeforeTheBatchExpiredReadAsExpiredLines() throws Exception {
        simulator.reconfigure(ECHO.toBuilder().batch(HELD.toBuilder().expireAfterShare(0.5).build()).build());
        BatchInfo created = submit(4);
        simulatorClock.advance(Duration.ofMinutes(2));

        BatchInfo ended = api.retrieve(created.id());

        assertThat(ended.status()).as("ended, expired per request").isEqualTo(BatchStatus.COMPLETED);
        assertThat(ended.counts()).isEqualTo(new RequestCounts(4, 2, 2));
        Map<String, OutputLine> results = results(ended, 4);
        assertThat(results.get(item(0).customId()).succeeded()).isTrue();
        OutputLine expired = results.get(item(3).customId());
        assertThat(expired.errored()).isFalse();
        assertThat(expired.status()).isZero();
        assertThat(expired.errorCode()).isEqualTo(OutputLine.EXPIRED);
    }

    @Test
    void aCancelledBatchIsCancellingThenCancelledWithItsUnrunRequestsCancelledLines() throws Exception {
        simulator.reconfigure(ECHO.toBuilder().batch(HELD.toBuilder().cancellingTime(Duration.ofSeconds(5)).build())
                .build());
        BatchInfo created = submit(2);

        BatchInfo cancelling = api.cancel(created.id());

        assertThat(cancelling.status()).isEqualTo(BatchStatus.CANCELLING);
        simulatorClock.advance(Duration.ofSeconds(10));
        BatchInfo cancelled = api.retrieve(created.id());
        assertThat(cancelled.status()).isEqualTo(BatchStatus.CANCELLED);
        assertThat(cancelled.status().terminal()).isTrue();
        assertThat(results(cancelled, 2).values()).extracting(OutputLine::errorCode)
                .containsOnly(OutputLine.CANCELLED);
    }

    @Test
    void anUnknownCreateIsFoundByItsSizeAmongBatchesNeitherTheLedgerNorAnotherLedgerOwns() throws Exception {
        BatchInfo otherLedgers = submit(3); // this process created it, for ledger id b-3
        Instant since = otherLedgers.createdAt().minusSeconds(60); // the simulator's clock, not this machine's
        Path three = dir.resolve("three");
        Files.createDirectories(three);
        InputFiles.Planned planned = new InputFiles(three, BatchLimits.OPENAI, () -> "b-lost").write(
                List.of(item(0), item(1), item(2))).files().get(0);
        // created without a ledger id, as by a run killed before it recorded the answer
        BatchInfo lost = api.create(api.upload(planned.input()), Map.of());
        BatchInfo otherSize = submit(2);

        assertThat(api.findCreated("b-lost", 3, since, Set.of())).map(BatchInfo::id).contains(lost.id());
        assertThat(api.findCreated("b-lost", 3, since, Set.of(lost.id()))).as("the ledger names it").isEmpty();
        assertThat(api.findCreated("b-3", 3, since, Set.of())).as("this process created it for b-3")
                .map(BatchInfo::id).contains(otherLedgers.id());
        assertThat(api.findCreated("b-2", 2, since, Set.of())).map(BatchInfo::id).contains(otherSize.id());
        assertThat(api.findCreated("b-lost", 3, lost.createdAt().plusSeconds(60), Set.of()))
                .as("created before the ask").isEmpty();
    }

    private static String messageBatch(String id, long processing, Instant createdAt) {
        return """
                {"id":"%s","type":"message_batch","processing_status":"in_progress","request_counts":{"processing":%d,
                 "succeeded":0,"errored":0,"canceled":0,"expired":0},"ended_at":null,"created_at":"%s",
                 "expires_at":"%s","archived_at":null,"cancel_initiated_at":null,"results_url":null}
                """.formatted(id, processing, createdAt, createdAt.plus(Duration.ofHours(24)));
    }

    @Test
    void aCreateWhoseAnswerWasLostIsFoundByItsSizeBeforeItIsAskedAgain() throws Exception {
        WireMockServer wm = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        wm.start();
        Instant now = Instant.now();
        try (AnthropicBatchApi lossy = AnthropicBatchApi.create(() -> new AnthropicEndpoint(
                URI.create("http://127.0.0.1:" + wm.port()), KEY, Duration.ofSeconds(2), Duration.ofSeconds(5)),
                FAST_RETRIES)) {
            // the batch was made, but its answer is lost on the way back
            wm.stubFor(post(urlEqualTo("/v1/messages/batches")).willReturn(aResponse().withStatus(502)
                    .withHeader("content-type", "application/json").withBody("{\"type\":\"error\",\"error\":"
                            + "{\"type\":\"api_error\",\"message\":\"bad gateway\"}}")));
            wm.stubFor(get(urlPathEqualTo("/v1/messages/batches")).willReturn(aResponse().withStatus(200)
                    .withHeader("content-type", "application/json").withBody("{\"data\":["
                            + messageBatch("msgbatch_bigger", 3, now) + "," + messageBatch("msgbatch_ours", 2, now)
                            + "," + messageBatch("msgbatch_known", 2, now.minusSeconds(1)) + "],\"has_more\":false,"
                            + "\"first_id\":\"msgbatch_bigger\",\"last_id\":\"msgbatch_known\"}")));

            BatchInfo created = lossy.create(lossy.upload(input(2).input()), Map.of(BatchInfo.LEDGER_ID, "b-2"),
                    Set.of("msgbatch_known"));

            assertThat(created.id()).isEqualTo("msgbatch_ours");
            wm.verify(1, postRequestedFor(urlEqualTo("/v1/messages/batches")));
        } finally {
            wm.stop();
        }
    }

    @Test
    void anInputFileThatIsGoneFailsTheCreateAsAnInvalidRequestWithoutSendingIt() throws Exception {
        InputFiles.Planned planned = input(1);
        String fileId = api.upload(planned.input());
        Files.delete(planned.input());

        assertThatThrownBy(() -> api.create(fileId, Map.of(BatchInfo.LEDGER_ID, "b-1")))
                .isInstanceOfSatisfying(LlmException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_REQUEST))
                .hasMessageContaining(planned.input().getFileName().toString());
        assertThat(simulator.requests().count()).isZero();
    }
}
