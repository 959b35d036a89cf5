package dev.evalunit.simulator;

import static dev.evalunit.simulator.SimulatorHttp.chat;
import static dev.evalunit.simulator.SimulatorHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.evalunit.Message;
import dev.evalunit.internal.client.TokenEstimator;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

class SimulatorRateLimitTests {

    private final ManualClock clock = new ManualClock();
    @AutoClose
    private OpenAiSimulator simulator;
    private SimulatorHttp http;

    private void start(SimulatorOptions.Builder options) {
        simulator = OpenAiSimulator.start(options.nanoTime(clock).build());
        http = new SimulatorHttp(simulator);
    }

    @Test
    void admitsABurstOfRequestsThenRefusesWithOpenAisBodyAndHeaders() throws Exception {
        // Given 600 RPM enforced per second: a bucket of 10 that refills one request every 100 ms
        start(SimulatorOptions.builder().requestsPerMinute(600));
        String body = chat("gpt-4o-mini", "hi", "");

        // When 10 requests arrive at the same instant
        HttpResponse<String> first = http.chat(body);
        for (int i = 1; i < 10; i++) {
            assertThat(http.chat(body).statusCode()).isEqualTo(200);
        }
        HttpResponse<String> refused = http.chat(body);

        // Then all pass, and the 11th is refused like OpenAI refuses it
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("x-ratelimit-limit-requests")).hasValue("600");
        assertThat(first.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("540");
        assertThat(first.headers().firstValue("x-ratelimit-reset-requests")).hasValue("100ms");
        assertThat(first.headers().firstValue("x-ratelimit-limit-tokens")).isEmpty();

        assertThat(refused.statusCode()).isEqualTo(429);
        JsonNode error = json(refused).get("error");
        assertThat(error.get("code").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(error.get("type").asText()).isEqualTo("requests");
        assertThat(error.get("message").asText()).startsWith("Rate limit reached for gpt-4o-mini in organization "
                + "org-simulator on requests per min (RPM): Limit 600, Used 600, Requested 1. Please try again in 100ms.");
        assertThat(refused.headers().firstValue("retry-after-ms")).hasValue("100");
        assertThat(refused.headers().firstValue("retry-after")).hasValue("1");
        assertThat(refused.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("0");
        assertThat(refused.headers().firstValue("x-ratelimit-reset-requests")).hasValue("1s");

        // And when the clock moves on by one refill, exactly one more passes
        clock.advance(Duration.ofMillis(100));
        assertThat(http.chat(body).statusCode()).isEqualTo(200);
        assertThat(http.chat(body).statusCode()).isEqualTo(429);
        assertThat(simulator.requests().rateLimited()).isEqualTo(2);
        assertThat(simulator.requests().served200()).isEqualTo(11);
    }

    @Test
    void keepsSeparateBucketsPerModel() throws Exception {
        start(SimulatorOptions.builder().requestsPerMinute(60));

        assertThat(http.chat(chat("gpt-4o-mini", "hi", "")).statusCode()).isEqualTo(200);
        assertThat(http.chat(chat("gpt-4o-mini", "hi", "")).statusCode()).isEqualTo(429);
        assertThat(http.chat(chat("gpt-4.1", "hi", "")).statusCode()).isEqualTo(200);
    }

    @Test
    void chargesMaxTokensUpFrontAndRefundsTheUnusedPartOnceTheResponseIsDue() throws Exception {
        // Given 6,000 TPM enforced per second (100 tokens, refilling 100 per second) and a one-token answer
        start(SimulatorOptions.builder().tokensPerMinute(6000).latency(Latency.fixed(Duration.ofMillis(1)))
                .answerer((request, choice, random) -> "ok"));
        int prompt = TokenEstimator.shared().countMessages("gpt-4o-mini", List.of(Message.user("hi")));
        String body = chat("gpt-4o-mini", "hi", "\"max_tokens\":50");
        long charged = prompt + 50;
        long left = 100 - charged;

        // When one request is admitted, a second one finds too little left
        HttpResponse<String> first = http.chat(body);
        HttpResponse<String> second = http.chat(body);

        // Then the first was charged prompt + max_tokens
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("x-ratelimit-limit-tokens")).hasValue("6000");
        assertThat(first.headers().firstValue("x-ratelimit-remaining-tokens")).hasValue(Long.toString(left * 60));
        assertThat(first.headers().firstValue("x-ratelimit-reset-tokens")).hasValue(charged * 10 + "ms");
        assertThat(second.statusCode()).isEqualTo(429);
        JsonNode error = json(second).get("error");
        assertThat(error.get("type").asText()).isEqualTo("tokens");
        assertThat(error.get("message").asText()).contains("on tokens per min (TPM): Limit 6000, Used "
                + (6000 - left * 60) + ", Requested " + charged + ". Please try again in " + (charged - left) * 10 + "ms.");
        assertThat(second.headers().firstValue("retry-after-ms")).hasValue(Long.toString((charged - left) * 10));

        // And once the first response is due (1 ms later), its 49 unused tokens are back
        clock.advance(Duration.ofMillis(1));
        assertThat(http.chat(body).statusCode()).isEqualTo(200);
    }

    @Test
    void chargesTheActualCompletionWhenMaxTokensIsAbsent() throws Exception {
        start(SimulatorOptions.builder().tokensPerMinute(6000).answerer((request, choice, random) -> "ok"));
        int prompt = TokenEstimator.shared().countMessages("gpt-4o-mini", List.of(Message.user("hi")));

        HttpResponse<String> response = http.chat(chat("gpt-4o-mini", "hi", ""));

        assertThat(response.headers().firstValue("x-ratelimit-remaining-tokens"))
                .hasValue(Long.toString((100 - prompt - 1) * 60));
    }

    @Test
    void refusesARequestLargerThanTheWholeMinuteLimit() throws Exception {
        start(SimulatorOptions.builder().tokensPerMinute(600));

        HttpResponse<String> response = http.chat(chat("gpt-4o-mini", "hi", "\"max_tokens\":1000"));

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(json(response).get("error").get("message").asText())
                .startsWith("Request too large for gpt-4o-mini in organization org-simulator on tokens per min (TPM): "
                        + "Limit 600, Requested ");
    }

    @Test
    void admitsARequestLargerThanTheBurstWhenTheBucketIsFull() throws Exception {
        // 600 TPM per second is a 10-token bucket, smaller than any chat prompt
        start(SimulatorOptions.builder().tokensPerMinute(600));

        assertThat(http.chat(chat("gpt-4o-mini", "hi", "\"max_tokens\":20")).statusCode()).isEqualTo(200);
        assertThat(http.chat(chat("gpt-4o-mini", "hi", "\"max_tokens\":20")).statusCode()).isEqualTo(429);
    }

    @Test
    void startsFreshBucketsWhenReconfiguredWithNewLimits() throws Exception {
        start(SimulatorOptions.builder().requestsPerMinute(60));
        String body = chat("gpt-4o-mini", "hi", "");
        assertThat(http.chat(body).statusCode()).isEqualTo(200);
        assertThat(http.chat(body).statusCode()).isEqualTo(429);

        simulator.reconfigure(simulator.options().toBuilder().requestsPerMinute(120).build());

        HttpResponse<String> response = http.chat(body);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-ratelimit-limit-requests")).hasValue("120");
        assertThat(http.chat(body).statusCode()).isEqualTo(200);
        assertThat(http.chat(body).statusCode()).isEqualTo(429);
    }

    @Test
    void keepsBucketsWhenReconfiguredWithTheSameLimits() throws Exception {
        start(SimulatorOptions.builder().requestsPerMinute(60));
        String body = chat("gpt-4o-mini", "hi", "");
        assertThat(http.chat(body).statusCode()).isEqualTo(200);

        simulator.reconfigure(simulator.options().toBuilder().latency(Latency.fixed(Duration.ofMillis(1))).build());

        assertThat(http.chat(body).statusCode()).isEqualTo(429);
    }

    @Test
    void resetRefillsTheBuckets() throws Exception {
        start(SimulatorOptions.builder().requestsPerMinute(60));
        String body = chat("gpt-4o-mini", "hi", "");
        assertThat(http.chat(body).statusCode()).isEqualTo(200);

        simulator.reset();

        assertThat(http.chat(body).statusCode()).isEqualTo(200);
    }

    @Test
    void reportsTheResetOfALongBurstInMinutes() throws Exception {
        // 10 RPM over a one-minute window: 10 requests, one back every 6 s
        start(SimulatorOptions.builder().requestsPerMinute(10).burst(Duration.ofMinutes(1)));
        String body = chat("gpt-4o-mini", "hi", "");
        HttpResponse<String> response = null;
        for (int i = 0; i < 10; i++) {
            response = http.chat(body);
        }

        assertThat(response.headers().firstValue("x-ratelimit-reset-requests")).hasValue("1m0s");
        assertThat(http.chat(body).headers().firstValue("retry-after")).hasValue("6");
    }
}
