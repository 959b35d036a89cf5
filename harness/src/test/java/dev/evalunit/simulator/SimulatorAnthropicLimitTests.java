package dev.evalunit.simulator;

import static dev.evalunit.simulator.SimulatorAnthropicTests.ask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.anthropic.client.AnthropicClient;
import com.anthropic.core.http.Headers;
import com.anthropic.core.http.HttpResponseFor;
import com.anthropic.errors.RateLimitException;
import com.anthropic.models.ErrorType;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * Anthropic's three per-model limits on the simulator's {@code POST /v1/messages}, on a {@link ManualClock}: its
 * {@code anthropic-ratelimit-*} headers, its 429s as anthropic-java surfaces them, and output tokens charged at
 * {@code max_tokens} and given back once the answer is sent.
 */
class SimulatorAnthropicLimitTests {

    private static final String HAIKU = "claude-haiku-4-5";

    private final ManualClock clock = new ManualClock();
    @AutoClose
    private OpenAiSimulator simulator;
    private AnthropicClient client;

    private void start(SimulatorOptions.Builder options) {
        simulator = OpenAiSimulator.start(options.nanoTime(clock).answerer((request, choice, random) -> "ok").build());
        client = SimulatorAnthropicTests.client(simulator);
    }

    @AfterEach
    void closeClient() {
        client.close();
    }

    private HttpResponseFor<Message> send(int maxTokens) {
        return client.messages().withRawResponse().create(ask(HAIKU, "hi").maxTokens(maxTokens).build());
    }

    private RateLimitException refused(int maxTokens) {
        return catchThrowableOfType(RateLimitException.class, () -> client.messages().create(ask(HAIKU, "hi")
                .maxTokens(maxTokens).build()));
    }

    private static String header(Headers headers, String name) {
        List<String> values = headers.values(name);
        return values.isEmpty() ? null : values.get(0);
    }

    private static Instant reset(Headers headers, String limit) {
        return Instant.parse(header(headers, "anthropic-ratelimit-" + limit + "-reset"));
    }

    @Test
    void sendsEachLimitAndTheMostRestrictiveTokenLimitOnEveryAnswer() {
        // Given limits enforced per second: 10 requests, 1,000 input tokens and 100 output tokens a second
        start(SimulatorOptions.builder().anthropicRequestsPerMinute(600).anthropicInputTokensPerMinute(60_000)
                .anthropicOutputTokensPerMinute(6_000));

        HttpResponseFor<Message> response = send(50);
        Headers headers = response.headers();
        long input = response.parse().usage().inputTokens();

        // Then each limit is there as charged: one request, the input tokens, max_tokens of output
        assertThat(header(headers, "anthropic-ratelimit-requests-limit")).isEqualTo("600");
        assertThat(header(headers, "anthropic-ratelimit-requests-remaining")).isEqualTo("540");
        assertThat(header(headers, "anthropic-ratelimit-input-tokens-limit")).isEqualTo("60000");
        assertThat(header(headers, "anthropic-ratelimit-input-tokens-remaining")).isEqualTo(Long.toString((1000 - input) * 60));
        assertThat(header(headers, "anthropic-ratelimit-output-tokens-limit")).isEqualTo("6000");
        assertThat(header(headers, "anthropic-ratelimit-output-tokens-remaining")).isEqualTo("3000");
        // the combined token limit is the one with less left, the output tokens' here
        assertThat(header(headers, "anthropic-ratelimit-tokens-limit")).isEqualTo("6000");
        assertThat(header(headers, "anthropic-ratelimit-tokens-remaining")).isEqualTo("3000");
        assertThat(header(headers, "anthropic-ratelimit-tokens-reset"))
                .isEqualTo(header(headers, "anthropic-ratelimit-output-tokens-reset"));
        // The resets are RFC 3339 instants, each as far off as its limit takes to refill what was charged:
        // a request in 100 ms, the input tokens in 1 ms each, 50 output tokens in 500 ms
        Instant requests = reset(headers, "requests");
        assertThat(Duration.between(requests, reset(headers, "input-tokens"))).isEqualTo(Duration.ofMillis(input - 100));
        assertThat(Duration.between(requests, reset(headers, "output-tokens"))).isEqualTo(Duration.ofMillis(400));
        assertThat(header(headers, "anthropic-ratelimit-requests-reset")).endsWith("Z");
    }

    @Test
    void theCombinedTokenLimitIsTheInputTokensWhenTheyAreScarcer() {
        start(SimulatorOptions.builder().anthropicInputTokensPerMinute(6_000).anthropicOutputTokensPerMinute(600_000));

        Headers headers = send(10).headers();

        assertThat(header(headers, "anthropic-ratelimit-tokens-limit")).isEqualTo("6000");
        assertThat(header(headers, "anthropic-ratelimit-tokens-remaining"))
                .isEqualTo(header(headers, "anthropic-ratelimit-input-tokens-remaining"));
    }

    @Test
    void refusesARequestOverTheRequestLimitWithRetryAfterAndChargesItNothing() {
        // Given one request a second, and output tokens for one request of 60 at a time
        start(SimulatorOptions.builder().anthropicRequestsPerMinute(60).anthropicOutputTokensPerMinute(6_000));
        assertThat(send(60).statusCode()).isEqualTo(200);

        // When two more arrive at the same instant
        RateLimitException second = refused(60);
        RateLimitException third = refused(60);

        // Then both are refused for requests, as anthropic-java reads Anthropic's 429
        assertThat(second.statusCode()).isEqualTo(429);
        assertThat(second.errorType()).hasValue(ErrorType.RATE_LIMIT_ERROR);
        assertThat(second.apiMessage()).hasValueSatisfying(message -> assertThat(message)
                .startsWith("This request would exceed your organization's rate limit of 60 requests per minute "
                        + "(org: org-simulator, model: claude-haiku-4-5)."));
        assertThat(header(second.headers(), "retry-after")).isEqualTo("1");
        assertThat(header(second.headers(), "anthropic-ratelimit-requests-remaining")).isEqualTo("0");
        assertThat(header(second.headers(), "request-id")).startsWith("req_");
        // ... and the output tokens the second was charged came back at once, or the third would have met the
        // output limit (40 left of 100 for 60) before the request limit
        assertThat(third.apiMessage()).hasValueSatisfying(message -> assertThat(message).contains("60 requests per minute"));

        // And once a request has come back, one more passes
        clock.advance(Duration.ofSeconds(1));
        assertThat(send(60).statusCode()).isEqualTo(200);
        assertThat(simulator.requests().rateLimited()).isEqualTo(2);
        assertThat(simulator.requests().messagesRequests()).isEqualTo(4);
    }

    @Test
    void chargesMaxTokensOfOutputAndGivesBackWhatTheAnswerDidNotUseOnceItIsSent() {
        // Given 100 output tokens a second and answers of one token that take 1 ms
        start(SimulatorOptions.builder().anthropicRequestsPerMinute(0).anthropicInputTokensPerMinute(0)
                .anthropicOutputTokensPerMinute(6_000).latency(Latency.fixed(Duration.ofMillis(1))));

        // When one request of max_tokens 60 is admitted, a second finds 40 left
        Headers first = send(60).headers();
        RateLimitException second = refused(60);

        // Then the first was charged all 60, and the second is refused on output tokens, told when 20 are back
        assertThat(header(first, "anthropic-ratelimit-output-tokens-remaining")).isEqualTo("2400");
        assertThat(header(first, "anthropic-ratelimit-requests-limit")).isNull();
        assertThat(second.apiMessage()).hasValueSatisfying(message -> assertThat(message)
                .contains("rate limit of 6,000 output tokens per minute"));
        assertThat(header(second.headers(), "retry-after")).isEqualTo("1");
        assertThat(header(second.headers(), "anthropic-ratelimit-output-tokens-remaining")).isEqualTo("2400");

        // And once the first answer is sent (1 ms later), its 59 unused tokens are back: 40 + 59 + 0.1 refilled
        clock.advance(Duration.ofMillis(1));
        Headers third = send(60).headers();
        assertThat(header(third, "anthropic-ratelimit-output-tokens-remaining")).isEqualTo(Long.toString(
                (400 + 590 + 1 - 600) * 60 / 10));
    }

    @Test
    void refusesARequestLargerThanAWholeMinuteWithoutRetryAfter() {
        start(SimulatorOptions.builder().anthropicOutputTokensPerMinute(6_000));

        RateLimitException refused = refused(7_000);

        assertThat(refused.apiMessage()).hasValueSatisfying(message -> assertThat(message)
                .startsWith("This request alone exceeds your organization's rate limit of 6,000 output tokens per minute"));
        assertThat(header(refused.headers(), "retry-after")).isNull();
    }

    @Test
    void leavesRetryAfterOutWhenToldTo() {
        start(SimulatorOptions.builder().anthropicRequestsPerMinute(60).retryAfter(false));
        send(10);

        RateLimitException refused = refused(10);

        assertThat(header(refused.headers(), "retry-after")).isNull();
        assertThat(header(refused.headers(), "anthropic-ratelimit-requests-reset")).isNotNull();
    }

    @Test
    void defaultsToAnthropicsTier4AndSendsNoHeadersOfALimitLifted() {
        start(SimulatorOptions.builder());

        Headers defaults = send(100).headers();
        assertThat(header(defaults, "anthropic-ratelimit-requests-limit")).isEqualTo("4000");
        assertThat(header(defaults, "anthropic-ratelimit-input-tokens-limit")).isEqualTo("2000000");
        assertThat(header(defaults, "anthropic-ratelimit-output-tokens-limit")).isEqualTo("400000");
        assertThat(header(defaults, "anthropic-ratelimit-tokens-limit")).isEqualTo("400000");

        simulator.reconfigure(simulator.options().toBuilder().anthropicRequestsPerMinute(0)
                .anthropicInputTokensPerMinute(0).anthropicOutputTokensPerMinute(0).build());
        Headers lifted = send(100).headers();
        assertThat(lifted.names()).noneMatch(name -> name.toLowerCase(java.util.Locale.ROOT).startsWith("anthropic-ratelimit-"));
    }

    @Test
    void keepsItsBucketsApartFromTheOpenAiRouteAndStartsThemOverWhenTheLimitsChange() throws Exception {
        start(SimulatorOptions.builder().requestsPerMinute(60).anthropicRequestsPerMinute(60));
        SimulatorHttp http = new SimulatorHttp(simulator);
        // the same model's name on both routes: OpenAI's request does not take Anthropic's
        assertThat(http.chat(SimulatorHttp.chat(HAIKU, "hi", "")).statusCode()).isEqualTo(200);
        assertThat(send(10).statusCode()).isEqualTo(200);
        assertThat(refused(10)).isNotNull();

        simulator.reconfigure(simulator.options().toBuilder().anthropicRequestsPerMinute(120).build());

        assertThat(header(send(10).headers(), "anthropic-ratelimit-requests-limit")).isEqualTo("120");
        assertThat(http.chat(SimulatorHttp.chat(HAIKU, "hi", "")).statusCode()).isEqualTo(429);
        MessageCreateParams params = ask(HAIKU, "hi").maxTokens(10).build();
        assertThat(client.messages().create(params).content()).hasSize(1);
        assertThat(refused(10)).isNotNull();
    }
}
