package dev.evalunit.internal.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.http.Fault;
import dev.evalunit.ChatRequest;
import dev.evalunit.CircuitOpenException;
import dev.evalunit.Completion;
import dev.evalunit.ErrorKind;
import dev.evalunit.InvalidRequestException;
import dev.evalunit.LlmException;
import dev.evalunit.ServiceUnavailableException;
import dev.evalunit.client.ClientListener;
import dev.evalunit.config.CircuitBreakerConfig;
import dev.evalunit.config.RetryConfig;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Which failures are retried and which are not, through both the blocking and the async path. */
class OpenAiClientRetryTests {

    private final StubServer server = new StubServer();
    private final List<ClientListener.RetryScheduled> retries = new CopyOnWriteArrayList<>();
    private ThrottledClient client;

    @AfterEach
    void close() {
        if (client != null) {
            client.close();
        }
        server.close();
    }

    private ThrottledClient client() {
        client = ThrottledClient.builder(server.config())
                .random(() -> 0.5)
                .listener(new ClientListener() {
                    @Override
                    public void onRetry(RetryScheduled event) {
                        retries.add(event);
                    }
                })
                .build();
        return client;
    }

    private Completion generate(boolean async, ChatRequest request) {
        if (!async) {
            return client().generate(request);
        }
        try {
            return client().generateAsync(request).join();
        } catch (CompletionException e) {
            throw (RuntimeException) e.getCause();
        }
    }

    @ParameterizedTest(name = "{0} {1} is retried (async={3})")
    @CsvSource({
            "429, rate_limit_exceeded, requests, false", "429, rate_limit_exceeded, requests, true",
            "408, , , false", "409, , , true", "500, server_error, , false", "502, , , true",
            "503, , , false", "504, , , true"})
    void retryableFailuresAreRetriedUntilTheySucceed(int status, String code, String type, boolean async) {
        server.firstThen(StubServer.error(status, code, type), StubServer.ok("Canberra"));

        Completion answer = generate(async, ChatRequest.user("Capital of Australia?"));

        assertThat(answer.text()).isEqualTo("Canberra");
        assertThat(answer.attempts()).isEqualTo(2);
        assertThat(server.requests()).isEqualTo(2);
        assertThat(retries).hasSize(1);
        assertThat(answer.failedAttempts()).singleElement().satisfies(failed -> {
            assertThat(failed.attempt()).isEqualTo(1);
            assertThat(failed.httpStatus()).isEqualTo(status);
            assertThat(failed.kind()).isEqualTo(retries.get(0).cause().kind().name().toLowerCase(Locale.ROOT));
        });
    }

    @ParameterizedTest(name = "{0} {1} is not retried (async={4})")
    @CsvSource({
            "400, invalid_request_error, , InvalidRequestException, false",
            "401, invalid_api_key, , AuthenticationException, true",
            "403, , , AuthenticationException, false",
            "404, model_not_found, , InvalidRequestException, true",
            "422, , , InvalidRequestException, false",
            "429, insufficient_quota, insufficient_quota, QuotaExhaustedException, true"})
    void permanentFailuresFailAtOnceWithTheirOwnType(int status, String code, String type, String exception,
                                                     boolean async) {
        server.always(StubServer.error(status, code, type));

        assertThatThrownBy(() -> generate(async, ChatRequest.user("hello")))
                .isInstanceOfSatisfying(LlmException.class, e -> {
                    assertThat(e.getClass().getSimpleName()).isEqualTo(exception);
                    assertThat(e.httpStatus()).isEqualTo(status);
                    assertThat(e.attempts()).isEqualTo(1);
                    assertThat(e.requestId()).isEqualTo("req_" + status);
                    assertThat(e.model()).isEqualTo("gpt-4o-mini");
                    assertThat(e.responseBody()).contains("scripted " + status);
                });
        assertThat(server.requests()).isEqualTo(1);
        assertThat(retries).isEmpty();
    }

    @ParameterizedTest(name = "a {0} is retried")
    @ValueSource(strings = {"CONNECTION_RESET_BY_PEER", "EMPTY_RESPONSE", "MALFORMED_RESPONSE_CHUNK"})
    void brokenConnectionsAreRetried(String fault) {
        server.firstThen(WireMock.aResponse().withFault(Fault.valueOf(fault)), StubServer.ok("fine"));

        assertThat(generate(false, ChatRequest.user("hi")).attempts()).isEqualTo(2);
        assertThat(retries.get(0).cause().kind()).isIn(ErrorKind.CONNECTION, ErrorKind.MALFORMED_RESPONSE);
    }

    @Test
    void anUnreadableBodyIsRetried() {
        server.firstThen(WireMock.aResponse().withStatus(200).withHeader("content-type", "application/json")
                .withBody("{\"id\":\"chatcmpl-1\",\"choices\":[{\"message\""), StubServer.ok("fine"));

        assertThat(generate(true, ChatRequest.user("hi")).attempts()).isEqualTo(2);
        assertThat(retries.get(0).cause().kind()).isEqualTo(ErrorKind.MALFORMED_RESPONSE);
    }

    @Test
    void retryAfterIsObeyedInFullEvenWhenLongerThanTheBackoffCap() {
        server.firstThen(StubServer.error(429, "rate_limit_exceeded", "requests").withHeader("retry-after-ms", "300"),
                StubServer.ok("fine"));

        generate(false, ChatRequest.user("hi"));

        assertThat(retries.get(0).delay()).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void aRetryAfterBeyondItsBoundIsCappedSoTheRequestIsNotParkedForDays() {
        // Given a server that asks to wait a billion seconds, and a bound of 200 ms
        server.firstThen(StubServer.error(429, "rate_limit_exceeded", "requests").withHeader("retry-after", "1000000000"),
                StubServer.ok("fine"));
        client = ThrottledClient.builder(server.config().withRetry(server.config().retry()
                        .withMaxRetryAfter(Duration.ofMillis(200))))
                .listener(new ClientListener() {
                    @Override
                    public void onRetry(RetryScheduled event) {
                        retries.add(event);
                    }
                }).build();

        // Then the request waits the bound, and is answered
        assertThat(client.generate(ChatRequest.user("hi")).text()).isEqualTo("fine");
        assertThat(retries).singleElement().satisfies(r -> assertThat(r.delay()).isEqualTo(Duration.ofMillis(200)));
    }

    @Test
    void afterTheLastAttemptTheFailureSaysHowManyThereWere() {
        server.always(StubServer.error(503, null, null));

        assertThatThrownBy(() -> generate(false, ChatRequest.user("hi")))
                .isInstanceOfSatisfying(ServiceUnavailableException.class, e -> {
                    assertThat(e.attempts()).isEqualTo(4);
                    assertThat(e.kind()).isEqualTo(ErrorKind.SERVER_ERROR);
                    assertThat(e.getMessage()).contains("HTTP 503", "gpt-4o-mini", "4 attempts", "req_503");
                    // the three attempts before the last, which is the failure itself
                    assertThat(e.earlierAttempts()).extracting(Completion.FailedAttempt::attempt).containsExactly(1, 2, 3);
                    assertThat(e.earlierAttempts()).extracting(Completion.FailedAttempt::httpStatus).containsOnly(503);
                });
        assertThat(server.requests()).isEqualTo(4);
        assertThat(retries).extracting(ClientListener.RetryScheduled::failedAttempt).containsExactly(1, 2, 3);
    }

    @Test
    void withNoOutageBudgetARunOfServerFailuresOpensTheBreakerWhichThenRejectsWithoutSending() {
        server.always(StubServer.error(500, "server_error", null));
        client = ThrottledClient.builder(server.config()
                        .withRetry(new RetryConfig(1, Duration.ofMillis(1), Duration.ofMillis(1), 0))
                        .withCircuitBreaker(new CircuitBreakerConfig(3, Duration.ofMinutes(5), Duration.ZERO)))
                .build();
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> client.generate(ChatRequest.user("hi"))).isInstanceOf(ServiceUnavailableException.class);
        }

        assertThatThrownBy(() -> client.generate(ChatRequest.user("hi")))
                .isInstanceOf(CircuitOpenException.class)
                .hasMessageContaining("circuit breaker for gpt-4o-mini is open");
        assertThat(server.requests()).isEqualTo(3);
    }

    @Test
    void clientErrorsDoNotOpenTheBreaker() {
        server.always(StubServer.error(400, "invalid_request_error", null));
        client = ThrottledClient.builder(server.config()
                .withCircuitBreaker(new CircuitBreakerConfig(2, Duration.ofMinutes(5)))).build();

        for (int i = 0; i < 4; i++) {
            assertThatThrownBy(() -> client.generate(ChatRequest.user("hi"))).isInstanceOf(InvalidRequestException.class);
        }
        assertThat(server.requests()).isEqualTo(4);
    }
}
