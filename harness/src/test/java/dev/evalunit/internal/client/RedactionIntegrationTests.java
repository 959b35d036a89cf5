package dev.evalunit.internal.client;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.http.Fault;
import dev.evalunit.ChatRequest;
import dev.evalunit.LlmException;
import dev.evalunit.client.ClientListener;
import dev.evalunit.config.CircuitBreakerConfig;
import dev.evalunit.config.ConfigSources;
import dev.evalunit.config.EvalConfig;
import dev.evalunit.config.OpenAIConfig;
import dev.evalunit.simulator.OpenAiSimulator;
import dev.evalunit.simulator.SimulatorOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The API key never shows in anything the client logs, throws or reports, on any path: success,
 * 401, exhausted retries, a reset connection, an open breaker, a failing listener, configuration.
 */
class RedactionIntegrationTests {

    private static final String KEY = "sk-" + "test-SECRETSECRET0123456789abcdef";

    /** Everything that could carry the key, as text. */
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        private final SimpleFormatter formatter = new SimpleFormatter();

        @Override
        public void publish(LogRecord record) {
            seen.add(formatter.format(record));
            if (record.getThrown() != null) {
                seen.add(stackTrace(record.getThrown()));
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    @BeforeEach
    void captureEveryLogRecord() {
        // Our own loggers at every level; the console handler still shows only INFO and above.
        Logger.getLogger("dev.evalunit").setLevel(Level.ALL);
        Logger.getLogger("").addHandler(capture);
    }

    @AfterEach
    void release() {
        Logger.getLogger("").removeHandler(capture);
        Logger.getLogger("dev.evalunit").setLevel(null);
    }

    private static String stackTrace(Throwable t) {
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        return out.toString();
    }

    /** Records an exception the way a report or a log would show it: message, toString, body, causes, trace. */
    private void record(Throwable t) {
        seen.add(stackTrace(t));
        for (Throwable c = t; c != null; c = c.getCause()) {
            seen.add(String.valueOf(c.getMessage()));
            seen.add(c.toString());
            if (c instanceof LlmException llm) {
                seen.add(String.valueOf(llm.responseBody()));
                seen.add(String.valueOf(llm.requestId()));
            }
        }
    }

    private void run(ThrottledClient client, ChatRequest request) {
        try {
            client.generate(request);
        } catch (RuntimeException e) {
            record(e);
        }
    }

    private static OpenAIConfig openai(String baseUrl) {
        return new OpenAIConfig(KEY, URI.create(baseUrl), null, null, Duration.ofSeconds(2), Duration.ofSeconds(5));
    }

    /** A listener that records every event and then throws a message quoting the key. */
    private ClientListener recordingListener() {
        return new ClientListener() {
            private void note(Object event) {
                seen.add(String.valueOf(event));
                throw new IllegalStateException("listener saw key " + KEY);
            }

            @Override
            public void onRequestSent(RequestSent event) {
                note(event);
            }

            @Override
            public void onResponse(ResponseReceived event) {
                note(event);
            }

            @Override
            public void onRetry(RetryScheduled event) {
                note(event);
                record(event.cause());
            }

            @Override
            public void onRateLimited(RateLimited event) {
                note(event);
            }

            @Override
            public void onError(RequestFailed event) {
                note(event);
                record(event.error());
            }
        };
    }

    @Test
    void theKeyAppearsNowhere() {
        try (OpenAiSimulator simulator = OpenAiSimulator.start(SimulatorOptions.defaults());
             StubServer stub = new StubServer()) {
            EvalConfig simulated = Simulated.config(simulator).withOpenAI(openai(simulator.baseUrl()))
                    .withRetry(Simulated.retries(2));
            EvalConfig stubbed = stub.config().withOpenAI(openai(stub.baseUrl()))
                    .withRetry(Simulated.retries(2))
                    .withCircuitBreaker(new CircuitBreakerConfig(2, Duration.ofMinutes(5), Duration.ZERO));

            // A success, and a 500 that outlasts the retries, against the simulator
            try (ThrottledClient client = ThrottledClient.builder(simulated).listener(recordingListener()).build()) {
                seen.add(String.valueOf(client.generate(ChatRequest.user("hello"))));
                simulator.failNext(2, 500, "server_error");
                run(client, ChatRequest.user("hello"));
                seen.add(String.valueOf(client.metrics().snapshot()));
                seen.add(String.valueOf(client.throttle("gpt-4o-mini")));
                seen.add(String.valueOf(client.config()));
            }

            // A 401 whose body echoes the key, as some servers do
            stub.always(aResponse().withStatus(401).withHeader("content-type", "application/json")
                    .withHeader("x-request-id", "req_401").withBody("""
                            {"error":{"message":"Incorrect API key provided: %s. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}
                            """.formatted(KEY)));
            try (ThrottledClient client = ThrottledClient.builder(stubbed).listener(recordingListener()).build()) {
                run(client, ChatRequest.user("hello"));
            }

            // 500s quoting the key until the breaker opens, then a rejection by the open breaker
            stub.wm.resetAll();
            stub.always(aResponse().withStatus(500).withHeader("content-type", "application/json")
                    .withBody("{\"error\":{\"message\":\"internal error for key " + KEY
                            + "\",\"type\":\"server_error\",\"param\":null,\"code\":null}}"));
            try (ThrottledClient client = ThrottledClient.builder(stubbed).listener(recordingListener()).build()) {
                run(client, ChatRequest.user("hello"));
                run(client, ChatRequest.user("hello"));
                run(client, ChatRequest.user("hello"));
            }

            // A connection reset on every attempt
            stub.wm.resetAll();
            stub.always(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));
            try (ThrottledClient client = ThrottledClient.builder(stubbed).listener(recordingListener()).build()) {
                run(client, ChatRequest.user("hello"));
            }
        }

        // Configuration: toString, and an invalid key value
        seen.add(openai("http://127.0.0.1:1/v1").toString());
        seen.add(EvalConfig.defaults().withOpenAI(openai("http://127.0.0.1:1/v1")).toString());
        try {
            EvalConfig.load(ConfigSources.of(Map.of("evalunit.openai.api-key", KEY + " trailing words"), Map.of(), null));
            throw new AssertionError("a key with spaces was accepted");
        } catch (RuntimeException e) {
            record(e);
        }

        assertThat(seen).hasSizeGreaterThan(30)
                .anySatisfy(s -> assertThat(s).contains("HTTP 401"))
                .anySatisfy(s -> assertThat(s).contains("HTTP 500"))
                .anySatisfy(s -> assertThat(s).contains("circuit breaker for gpt-4o-mini is open"))
                .anySatisfy(s -> assertThat(s).contains("connection"))
                .anySatisfy(s -> assertThat(s).contains("listener"))
                .allSatisfy(s -> assertThat(s).doesNotContain(KEY).doesNotContain("SECRETSECRET"));
    }
}
