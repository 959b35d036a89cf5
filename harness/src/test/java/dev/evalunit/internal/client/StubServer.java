package dev.evalunit.internal.client;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.evalunit.config.CircuitBreakerConfig;
import dev.evalunit.config.EvalConfig;
import dev.evalunit.config.OpenAIConfig;
import dev.evalunit.config.RateLimitConfig;
import dev.evalunit.config.RetryConfig;
import java.net.URI;
import java.time.Duration;
import java.util.OptionalLong;

/** A WireMock server on loopback answering {@code /v1/chat/completions} as scripted by each test. */
final class StubServer implements AutoCloseable {

    static final String PATH = "/v1/chat/completions";
    static final String KEY = "sk-" + "test-REDACTME0123456789abcdefXYZ";

    final WireMockServer wm = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());

    StubServer() {
        wm.start();
    }

    static String body(String model, String text) {
        return """
                {"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"%s",
                 "system_fingerprint":"fp_test",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"%s","refusal":null},
                             "logprobs":null,"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15,
                          "prompt_tokens_details":{"cached_tokens":2}}}
                """.formatted(model, text);
    }

    static ResponseDefinitionBuilder ok(String text) {
        return aResponse().withStatus(200).withHeader("content-type", "application/json")
                .withHeader("x-request-id", "req_ok").withBody(body("gpt-4o-mini", text));
    }

    static ResponseDefinitionBuilder error(int status, String code, String type) {
        return aResponse().withStatus(status).withHeader("content-type", "application/json")
                .withHeader("x-request-id", "req_" + status)
                .withBody("""
                        {"error":{"message":"scripted %d","type":%s,"param":null,"code":%s}}
                        """.formatted(status, type == null ? "null" : '"' + type + '"',
                        code == null ? "null" : '"' + code + '"'));
    }

    /** Every request gets {@code response}. */
    void always(ResponseDefinitionBuilder response) {
        wm.stubFor(post(urlEqualTo(PATH)).willReturn(response));
    }

    /** The first request gets {@code first}, every later one {@code then}. */
    void firstThen(ResponseDefinitionBuilder first, ResponseDefinitionBuilder then) {
        wm.stubFor(post(urlEqualTo(PATH)).inScenario("s").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(first).willSetStateTo("later"));
        wm.stubFor(post(urlEqualTo(PATH)).inScenario("s").whenScenarioStateIs("later").willReturn(then));
    }

    int requests() {
        return wm.countRequestsMatching(postRequestedFor(urlEqualTo(PATH)).build()).getCount();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + wm.port() + "/v1";
    }

    /** A configuration for this server: fast retries, generous limits, 4 attempts. */
    EvalConfig config() {
        return EvalConfig.defaults()
                .withOpenAI(new OpenAIConfig(KEY, URI.create(baseUrl()), null, null,
                        Duration.ofSeconds(2), Duration.ofSeconds(5)))
                .withRateLimit(new RateLimitConfig(OptionalLong.of(600_000), OptionalLong.of(100_000_000), 8, true))
                .withRetry(new RetryConfig(4, Duration.ofMillis(1), Duration.ofMillis(20), 0.25))
                .withCircuitBreaker(new CircuitBreakerConfig(100, Duration.ofSeconds(30)));
    }

    @Override
    public void close() {
        wm.stop();
    }
}
