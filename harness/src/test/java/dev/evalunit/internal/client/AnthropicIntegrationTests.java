package dev.evalunit.internal.client;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.core.ObjectMappers;
import com.anthropic.models.messages.MessageCreateParams;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.evalunit.ChatRequest;
import dev.evalunit.Completion;
import dev.evalunit.ErrorKind;
import dev.evalunit.LlmException;
import dev.evalunit.Message;
import dev.evalunit.client.ClientListener;
import dev.evalunit.config.CircuitBreakerConfig;
import dev.evalunit.config.ConfigSources;
import dev.evalunit.config.EvalConfig;
import dev.evalunit.config.RateLimitConfig;
import dev.evalunit.config.RetryConfig;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The client speaking to Anthropic's Messages API, scripted by WireMock on loopback: the body anthropic-java writes
 * for our requests, the answer read back, its rate-limit headers, and each of Anthropic's failures.
 */
class AnthropicIntegrationTests {

    private static final String PATH = "/v1/messages";
    private static final String KEY = "sk-ant-" + "api03-REDACTME0123456789abcdefXYZ";
    private static final String MODEL = "anthropic:claude-haiku-4-5";

    private final WireMockServer wm = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    private ThrottledClient client;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        wm.stop();
    }

    private final List<ClientListener.RetryScheduled> retries = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<ClientListener.RequestSent> sent = new java.util.concurrent.CopyOnWriteArrayList<>();

    private ThrottledClient start() {
        wm.start();
        EvalConfig config = EvalConfig.load(ConfigSources.of(Map.of(
                        "evalunit.anthropic.api-key", KEY,
                        "evalunit.anthropic.base-url", "http://127.0.0.1:" + wm.port()), Map.of(), null))
                .withRateLimit(new RateLimitConfig(OptionalLong.of(600_000), OptionalLong.of(100_000_000), 8, true))
                .withRetry(new RetryConfig(4, Duration.ofMillis(1), Duration.ofMillis(20), 0.25))
                .withCircuitBreaker(new CircuitBreakerConfig(100, Duration.ofSeconds(30)));
        client = ThrottledClient.builder(config).listener(new ClientListener() {
            @Override
            public void onRetry(RetryScheduled event) {
                retries.add(event);
            }

            @Override
            public void onRequestSent(RequestSent event) {
                sent.add(event);
            }
        }).build();
        return client;
    }

    private static String message(String text, String stopReason) {
        return """
                {"id":"msg_01","type":"message","role":"assistant","model":"claude-haiku-4-5-20251001",
                 "content":[{"type":"text","text":"%s","citations":null}],
                 "stop_reason":"%s","stop_sequence":null,
                 "usage":{"input_tokens":21,"output_tokens":4,"cache_read_input_tokens":5,
                          "cache_creation_input_tokens":0}}
                """.formatted(text, stopReason);
    }

    private static ResponseDefinitionBuilder ok(String text) {
        return aResponse().withStatus(200).withHeader("content-type", "application/json")
                .withHeader("request-id", "req_ok").withBody(message(text, "end_turn"));
    }

    private static ResponseDefinitionBuilder error(int status, String type, String message) {
        return aResponse().withStatus(status).withHeader("content-type", "application/json")
                .withHeader("request-id", "req_" + status)
                .withBody("""
                        {"type":"error","error":{"type":"%s","message":"%s"},"request_id":"req_%d"}
                        """.formatted(type, message, status));
    }

    private void firstThen(ResponseDefinitionBuilder first, ResponseDefinitionBuilder then) {
        wm.stubFor(post(urlEqualTo(PATH)).inScenario("s").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(first).willSetStateTo("later"));
        wm.stubFor(post(urlEqualTo(PATH)).inScenario("s").whenScenarioStateIs("later").willReturn(then));
    }

    private int requests() {
        return wm.countRequestsMatching(postRequestedFor(urlEqualTo(PATH)).build()).getCount();
    }

    private JsonNode lastBody() throws Exception {
        List<com.github.tomakehurst.wiremock.verification.LoggedRequest> all = wm.findAll(postRequestedFor(urlEqualTo(PATH)));
        return new ObjectMapper().readTree(all.get(all.size() - 1).getBodyAsString());
    }

    @Test
    void theBodyIsAnthropicsOwnAndTheAnswerIsReadBack() throws Exception {
        start();
        wm.stubFor(post(urlEqualTo(PATH)).willReturn(ok("Paris")));

        Completion c = client.generate(ChatRequest.of(List.of(Message.system("Answer briefly."),
                Message.user("Capital of France?"))).model(MODEL).temperature(0.5));

        // The answer, its usage (cache reads counted in the prompt, as OpenAI counts them) and its finish
        assertThat(c.text()).isEqualTo("Paris");
        assertThat(c.finishReason()).isEqualTo("stop");
        assertThat(c.promptTokens()).isEqualTo(26);
        assertThat(c.cachedTokens()).isEqualTo(5);
        assertThat(c.completionTokens()).isEqualTo(4);
        assertThat(c.requestId()).isEqualTo("req_ok");
        // The body: the model's own name, the system prompt at the top, max_tokens set, the temperature kept
        JsonNode body = lastBody();
        assertThat(body.get("model").asText()).isEqualTo("claude-haiku-4-5");
        assertThat(body.get("system").asText()).isEqualTo("Answer briefly.");
        assertThat(body.get("messages")).hasSize(1);
        assertThat(body.get("messages").get(0).get("role").asText()).isEqualTo("user");
        assertThat(body.get("max_tokens").asLong()).isEqualTo(AnthropicWire.DEFAULT_MAX_TOKENS);
        assertThat(body.get("temperature").asDouble()).isEqualTo(0.5);
        assertThat(body.has("n")).isFalse();
        // ... which anthropic-java's own type reads back as a valid request
        MessageCreateParams.Body parsed = ObjectMappers.jsonMapper().readValue(body.toString(), MessageCreateParams.Body.class);
        assertThat(parsed.validate().model().asString()).isEqualTo("claude-haiku-4-5");
        // And the key went in Anthropic's header
        assertThat(wm.findAll(postRequestedFor(urlEqualTo(PATH))).get(0).getHeaders().all().toString()).contains(KEY);
    }

    @Test
    void claudesTokensAreEstimatedThenCorrectedByWhatItsAnswersBilled() {
        // Given answers that bill 26 prompt tokens (21 input and 5 cache reads) for this prompt
        start();
        wm.stubFor(post(urlEqualTo(PATH)).willReturn(ok("Paris")));
        ChatRequest request = ChatRequest.user("What is the capital of France? Answer in one word.").model(MODEL);
        int estimated = TokenEstimator.shared().countMessages(MODEL, request.messages());

        client.generate(request);
        client.generate(request);

        // Then the first reserved jtokkit's count, the second what the first billed (plus the completion reserve)
        long reserve = RequestEstimate.DEFAULT_COMPLETION_RESERVE;
        assertThat(estimated).isNotEqualTo(26);
        assertThat(sent).extracting(ClientListener.RequestSent::reservedTokens).containsExactly(estimated + reserve, 26 + reserve);
    }

    @Test
    void aModelWithoutSamplingParametersIsAskedAtItsOwnTemperatureAndRefusesAnother() throws Exception {
        start();
        wm.stubFor(post(urlEqualTo(PATH)).willReturn(ok("Paris")));

        client.generate(ChatRequest.user("Capital of France?").model("anthropic:claude-opus-4-7").temperature(1.0));
        assertThat(lastBody().has("temperature")).isFalse();

        assertThatThrownBy(() -> client.generate(ChatRequest.user("Capital?").model("anthropic:claude-opus-4-7")
                .temperature(0.0)))
                .isInstanceOf(LlmException.class)
                .satisfies(e -> assertThat(((LlmException) e).kind()).isEqualTo(ErrorKind.INVALID_REQUEST))
                .hasMessageContaining("claude-opus-4-7 takes none");
        assertThat(requests()).isEqualTo(1);
    }

    @Test
    void aTemperatureAboveOneAndSeveralChoicesAreNeverSent() {
        start();
        wm.stubFor(post(urlEqualTo(PATH)).willReturn(ok("Paris")));

        assertThatThrownBy(() -> client.generate(ChatRequest.user("Capital?").model(MODEL).temperature(1.5)))
                .isInstanceOf(LlmException.class).hasMessageContaining("above 1");
        assertThatThrownBy(() -> client.generate(ChatRequest.user("Capital?").model(MODEL).n(3)))
                .isInstanceOf(LlmException.class).hasMessageContaining("Anthropic has no n");
        assertThat(requests()).isZero();
    }

    @Test
    void aRateLimitErrorWaitsItsRetryAfterAndIsRetried() {
        start();
        firstThen(error(429, "rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit")
                .withHeader("retry-after", "1"), ok("Paris"));

        Completion c = client.generate(ChatRequest.user("Capital?").model(MODEL));

        assertThat(c.text()).isEqualTo("Paris");
        assertThat(c.attempts()).isEqualTo(2);
        assertThat(requests()).isEqualTo(2);
        assertThat(client.metrics().snapshot().models().get(MODEL).rateLimited()).isEqualTo(1);
        // the retry was scheduled after the server's retry-after, not the 1 ms backoff configured
        assertThat(retries).singleElement().satisfies(r -> {
            assertThat(r.delay()).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
            assertThat(r.cause().kind()).isEqualTo(ErrorKind.RATE_LIMITED);
        });
    }

    @Test
    void anOverloadedApiIsAServerFailureAndIsRetried() {
        start();
        firstThen(error(529, "overloaded_error", "Overloaded"), ok("Paris"));

        Completion c = client.generate(ChatRequest.user("Capital?").model(MODEL));

        assertThat(c.text()).isEqualTo("Paris");
        assertThat(requests()).isEqualTo(2);
        assertThat(retries).singleElement().satisfies(r -> assertThat(r.cause().kind()).isEqualTo(ErrorKind.SERVER_ERROR));
    }

    @Test
    void aCreditBalanceTooLowStopsTheModelAfterOneRequest() {
        start();
        wm.stubFor(post(urlEqualTo(PATH)).willReturn(error(400, "invalid_request_error",
                "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing.")));

        List<CompletableFuture<Completion>> answers = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            answers.add(client.generateAsync(ChatRequest.user("Question " + i).model(MODEL)));
        }
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();

        assertThat(requests()).isLessThanOrEqualTo(8); // the first wave in flight at most, then nothing
        assertThat(answers).allSatisfy(a -> assertThat(a).isCompletedExceptionally());
        assertThat(client.stops()).singleElement().satisfies(stop -> {
            assertThat(stop.cause().kind()).isEqualTo(ErrorKind.QUOTA_EXHAUSTED);
            assertThat(stop.advice()).contains("Anthropic: Console");
        });
    }

    @Test
    void aBillingErrorIsAnExhaustedQuota() {
        start();
        wm.stubFor(post(urlEqualTo(PATH)).willReturn(error(402, "billing_error", "There is an issue with billing")));

        assertThatThrownBy(() -> client.generate(ChatRequest.user("Capital?").model(MODEL)))
                .isInstanceOfSatisfying(LlmException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.QUOTA_EXHAUSTED));
        assertThat(requests()).isEqualTo(1);
    }

    @Test
    void aWrongKeyStopsTheModelAndTheKeyIsNeverShown() {
        start();
        wm.stubFor(post(urlEqualTo(PATH)).willReturn(error(401, "authentication_error", "invalid x-api-key " + KEY)));

        assertThatThrownBy(() -> client.generate(ChatRequest.user("Capital?").model(MODEL)))
                .isInstanceOfSatisfying(LlmException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.AUTHENTICATION);
                    assertThat(e.getMessage()).doesNotContain(KEY).contains(Redactor.REDACTED);
                    assertThat(String.valueOf(e.responseBody())).doesNotContain(KEY);
                });
        assertThat(client.stops()).singleElement()
                .satisfies(stop -> assertThat(stop.advice()).contains("ANTHROPIC_API_KEY"));
    }

    @Test
    void theRateLimitHeadersAreAnthropics() {
        Instant now = Instant.parse("2026-12-07T10:00:00Z");
        Map<String, String> headers = Map.of(
                "anthropic-ratelimit-requests-limit", "50",
                "anthropic-ratelimit-requests-remaining", "49",
                "anthropic-ratelimit-requests-reset", "2026-12-07T10:00:01.200Z",
                "anthropic-ratelimit-input-tokens-limit", "50000",
                "anthropic-ratelimit-input-tokens-remaining", "48000",
                "anthropic-ratelimit-input-tokens-reset", "2026-12-07T10:00:03Z",
                "anthropic-ratelimit-tokens-limit", "10000",
                "retry-after", "7");

        RateLimitHeaders h = RateLimitHeaders.anthropic(headers::get, now);

        assertThat(h.limitRequests()).isEqualTo(50);
        assertThat(h.remainingRequests()).isEqualTo(49);
        assertThat(h.resetRequests()).isEqualTo(Duration.ofMillis(1200));
        assertThat(h.limitTokens()).isEqualTo(50_000);
        assertThat(h.remainingTokens()).isEqualTo(48_000);
        assertThat(h.resetTokens()).isEqualTo(Duration.of(3, ChronoUnit.SECONDS));
        assertThat(h.retryAfter()).isEqualTo(Duration.ofSeconds(7));
        // a reset already past is no wait, and a malformed one is no figure
        assertThat(RateLimitHeaders.anthropic(Map.of("anthropic-ratelimit-requests-reset",
                "2026-12-07T09:59:00Z")::get, now).resetRequests()).isEqualTo(Duration.ZERO);
        assertThat(RateLimitHeaders.anthropic(Map.of("anthropic-ratelimit-requests-reset", "soon")::get, now)
                .resetRequests()).isNull();
    }

    @Test
    void anAddressWhereNothingListensStopsTheModelNamingAnthropicsBaseUrl() throws Exception {
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        client = ThrottledClient.create(EvalConfig.load(ConfigSources.of(Map.of(
                        "evalunit.anthropic.api-key", KEY,
                        "evalunit.anthropic.base-url", "http://127.0.0.1:" + port), Map.of(), null))
                .withRateLimit(new RateLimitConfig(OptionalLong.of(600_000), OptionalLong.of(100_000_000), 8, true))
                .withRetry(new RetryConfig(4, Duration.ofMillis(1), Duration.ofMillis(20), 0.25))
                .withCircuitBreaker(new CircuitBreakerConfig(3, Duration.ofSeconds(30))));

        List<CompletableFuture<Completion>> answers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            answers.add(client.generateAsync(ChatRequest.user("Question " + i).model(MODEL)));
        }
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();

        assertThat(answers).allSatisfy(a -> assertThat(a).isCompletedExceptionally());
        assertThat(client.stops()).singleElement().satisfies(stop -> assertThat(stop.advice())
                .contains("check evalunit.anthropic.base-url (http://127.0.0.1:" + port + ")", "no request ever reached"));
    }

    @Test
    void theTransportHoldsAsManyClientsAsTheConcurrencyNeedsSixtyFourInFlightEach() {
        try (AnthropicTransport transport = new AnthropicTransport(KEY, java.net.URI.create("http://127.0.0.1:1"),
                Duration.ofSeconds(1), Duration.ofSeconds(1), 10, java.time.Clock.systemUTC())) {
            assertThat(transport.clients()).isEqualTo(1);

            transport.ensureCapacity(AnthropicTransport.IN_FLIGHT_PER_CLIENT * 3 + 1);
            assertThat(transport.clients()).isEqualTo(4);

            transport.ensureCapacity(20); // never fewer: requests may be in flight on each
            assertThat(transport.clients()).isEqualTo(4);
        }
    }
}
