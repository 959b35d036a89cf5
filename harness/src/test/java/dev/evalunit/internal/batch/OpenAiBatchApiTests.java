package dev.evalunit.internal.batch;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.evalunit.AuthenticationException;
import dev.evalunit.ErrorKind;
import dev.evalunit.ServiceUnavailableException;
import dev.evalunit.config.OpenAIConfig;
import dev.evalunit.config.RetryConfig;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Batch API client's retries and error classification, against scripted WireMock answers. */
class OpenAiBatchApiTests {

    private static final String KEY = "sk-" + "batch-api-test-0123456789abcdef";

    private final WireMockServer wm = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    private final OpenAiBatchApi api;

    OpenAiBatchApiTests() {
        wm.start();
        api = OpenAiBatchApi.create(new OpenAIConfig(KEY, URI.create("http://127.0.0.1:" + wm.port() + "/v1"), null,
                null, Duration.ofSeconds(2), Duration.ofSeconds(5)),
                new RetryConfig(3, Duration.ofMillis(1), Duration.ofMillis(5), 0));
    }

    @AfterEach
    void stop() {
        api.close();
        wm.stop();
    }

    private static String batch(String id, String status, String ledgerId) {
        return """
                {"id":"%s","object":"batch","endpoint":"/v1/chat/completions","errors":null,"input_file_id":"file-1",
                 "completion_window":"24h","status":"%s","output_file_id":"file-out","error_file_id":null,
                 "created_at":%d,"in_progress_at":null,"expires_at":null,"finalizing_at":null,"completed_at":1723000100,
                 "failed_at":null,"expired_at":null,"cancelling_at":null,"cancelled_at":null,
                 "request_counts":{"total":10,"completed":9,"failed":1},"metadata":{"evalunit_ledger_id":"%s"}}
                """.formatted(id, status, Instant.now().getEpochSecond(), ledgerId);
    }

    private static ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("content-type", "application/json").withBody(body);
    }

    private static ResponseDefinitionBuilder error(int status, String code) {
        return json(status, "{\"error\":{\"message\":\"scripted " + status + "\",\"type\":\"server_error\",\"param\":null,"
                + "\"code\":\"" + code + "\"}}");
    }

    @Test
    void readsABatchIntoOurForm() {
        wm.stubFor(get(urlEqualTo("/v1/batches/batch_1")).willReturn(json(200, batch("batch_1", "completed", "b-1"))));

        BatchInfo info = api.retrieve("batch_1");

        assertThat(info.status()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(info.counts()).isEqualTo(new RequestCounts(10, 9, 1));
        assertThat(info.outputFileId()).isEqualTo("file-out");
        assertThat(info.errorFileId()).isNull();
        assertThat(info.ledgerId()).contains("b-1");
        assertThat(info.finishedAt()).isEqualTo(Instant.ofEpochSecond(1723000100));
    }

    @Test
    void retriesTransientFailuresOfIdempotentCalls() {
        wm.stubFor(get(urlEqualTo("/v1/batches/batch_1")).inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(error(503, "server_error")).willSetStateTo("up"));
        wm.stubFor(get(urlEqualTo("/v1/batches/batch_1")).inScenario("flaky").whenScenarioStateIs("up")
                .willReturn(json(200, batch("batch_1", "in_progress", "b-1"))));

        assertThat(api.retrieve("batch_1").status()).isEqualTo(BatchStatus.IN_PROGRESS);
        wm.verify(2, getRequestedFor(urlEqualTo("/v1/batches/batch_1")));
    }

    @Test
    void givesUpAfterTheConfiguredAttempts() {
        wm.stubFor(get(urlEqualTo("/v1/batches/batch_1")).willReturn(error(500, "server_error")));

        assertThatThrownBy(() -> api.retrieve("batch_1"))
                .isInstanceOf(ServiceUnavailableException.class)
                .hasMessageContaining("HTTP 500")
                .hasMessageContaining("from the Batch API after 3 attempts");
    }

    @Test
    void doesNotRetryWhatCannotSucceedAndNeverShowsTheKey() {
        wm.stubFor(get(urlEqualTo("/v1/batches/batch_1")).willReturn(json(401,
                "{\"error\":{\"message\":\"Incorrect API key provided: " + KEY + "\",\"type\":\"invalid_request_error\","
                        + "\"param\":null,\"code\":\"invalid_api_key\"}}")));

        assertThatThrownBy(() -> api.retrieve("batch_1"))
                .isInstanceOf(AuthenticationException.class)
                .satisfies(e -> assertThat(((AuthenticationException) e).kind()).isEqualTo(ErrorKind.AUTHENTICATION))
                .hasMessageNotContaining(KEY);
        wm.verify(1, getRequestedFor(urlEqualTo("/v1/batches/batch_1")));
    }

    @Test
    void aCreateWhoseAnswerWasLostIsFoundByItsLedgerIdInsteadOfCreatedTwice() {
        wm.stubFor(post(urlEqualTo("/v1/batches")).willReturn(error(502, "bad_gateway")));
        wm.stubFor(get(urlPathEqualTo("/v1/batches")).willReturn(json(200, "{\"object\":\"list\",\"data\":["
                + batch("batch_other", "in_progress", "b-other") + "," + batch("batch_ours", "validating", "b-7")
                + "],\"first_id\":\"batch_other\",\"last_id\":\"batch_ours\",\"has_more\":false}")));

        BatchInfo created = api.create("file-1", Map.of(BatchInfo.LEDGER_ID, "b-7"));

        assertThat(created.id()).isEqualTo("batch_ours");
        wm.verify(1, postRequestedFor(urlEqualTo("/v1/batches")));
    }

    @Test
    void listingStopsAtBatchesOlderThanAsked() {
        String old = batch("batch_old", "completed", "b-0").replaceFirst("\"created_at\":\\d+", "\"created_at\":1000");
        wm.stubFor(get(urlPathEqualTo("/v1/batches")).willReturn(json(200, "{\"object\":\"list\",\"data\":["
                + batch("batch_new", "in_progress", "b-1") + "," + old
                + "],\"first_id\":\"batch_new\",\"last_id\":\"batch_old\",\"has_more\":true}")));

        assertThat(api.list(Instant.now().minusSeconds(3600))).extracting(BatchInfo::id).containsExactly("batch_new");
        wm.verify(1, getRequestedFor(urlPathEqualTo("/v1/batches")));
    }
}
