package dev.evalunit.simulator;

import static dev.evalunit.simulator.SimulatorHttp.chat;
import static dev.evalunit.simulator.SimulatorHttp.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SimulatorFaultTests {

    private static final String BODY = chat("gpt-4o-mini", "hi", "");

    @AutoClose
    private static final OpenAiSimulator simulator = OpenAiSimulator.start();
    private static final SimulatorHttp http = new SimulatorHttp(simulator);

    @BeforeEach
    void reset() {
        simulator.reconfigure(SimulatorOptions.defaults());
        simulator.reset();
    }

    @Test
    void refusesEveryRequestWithInsufficientQuotaWhenTheQuotaIsSpent() throws Exception {
        simulator.reconfigure(SimulatorOptions.builder().insufficientQuota(true).build());

        HttpResponse<String> response = http.chat(BODY);

        assertThat(response.statusCode()).isEqualTo(429);
        JsonNode error = json(response).get("error");
        assertThat(error.get("code").asText()).isEqualTo("insufficient_quota");
        assertThat(error.get("type").asText()).isEqualTo("insufficient_quota");
        assertThat(error.get("message").asText()).startsWith("You exceeded your current quota, please check your plan "
                + "and billing details.");
    }

    @Test
    void failsTheNextRequestsAsScripted() throws Exception {
        simulator.failNext(2, 500, "server_error");
        simulator.failNext(1, 429, "rate_limit_exceeded");

        HttpResponse<String> first = http.chat(BODY);
        HttpResponse<String> second = http.chat(BODY);
        HttpResponse<String> third = http.chat(BODY);
        HttpResponse<String> fourth = http.chat(BODY);

        assertThat(first.statusCode()).isEqualTo(500);
        assertThat(json(first).get("error").get("code").asText()).isEqualTo("server_error");
        assertThat(second.statusCode()).isEqualTo(500);
        assertThat(third.statusCode()).isEqualTo(429);
        assertThat(json(third).get("error").get("code").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(third.headers().firstValue("retry-after-ms")).hasValue("100");
        assertThat(fourth.statusCode()).isEqualTo(200);
    }

    @Test
    void scriptsQuotaErrorsAndCodelessErrors() throws Exception {
        simulator.failNext(1, 429, "insufficient_quota");
        simulator.failNext(1, 503, null);

        JsonNode quota = json(http.chat(BODY)).get("error");
        HttpResponse<String> unavailable = http.chat(BODY);

        assertThat(quota.get("type").asText()).isEqualTo("insufficient_quota");
        assertThat(unavailable.statusCode()).isEqualTo(503);
        assertThat(json(unavailable).get("error").get("code").isNull()).isTrue();
    }

    @Test
    void doesNotScriptFailuresForRequestsThatAreNotChats() throws Exception {
        simulator.failNext(1, 500, "server_error");

        assertThat(http.get("/models").statusCode()).isEqualTo(200);
        assertThat(http.chat(BODY).statusCode()).isEqualTo(500);
    }

    @Test
    void resetDropsScriptedFailures() throws Exception {
        simulator.failNext(5, 500, "server_error");

        simulator.reset();

        assertThat(http.chat(BODY).statusCode()).isEqualTo(200);
    }

    @Test
    void answersEveryRequestWith500WhenTheServerErrorShareIsOne() throws Exception {
        simulator.reconfigure(SimulatorOptions.builder().serverErrorShare(1.0).build());

        for (int i = 0; i < 5; i++) {
            HttpResponse<String> response = http.chat(BODY);
            assertThat(response.statusCode()).isEqualTo(500);
            assertThat(json(response).get("error").get("type").asText()).isEqualTo("server_error");
        }
    }

    @Test
    void resetsTheConnectionWhenTheResetShareIsOne() {
        simulator.reconfigure(SimulatorOptions.builder().connectionResetShare(1.0).build());

        assertThatThrownBy(() -> http.chat(BODY)).isInstanceOf(IOException.class);
        assertThat(simulator.requests().all()).extracting(ReceivedRequest::status).containsExactly(0);
    }

    @Test
    void sendsATruncatedBodyWhenTheMalformedShareIsOne() throws Exception {
        simulator.reconfigure(SimulatorOptions.builder().malformedBodyShare(1.0).build());

        HttpResponse<String> response = http.chat(BODY);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> json(response)).isInstanceOf(JsonProcessingException.class);
    }

    @Test
    void repeatsTheSameFaultSequenceForTheSameFaultSeed() throws Exception {
        SimulatorOptions options = SimulatorOptions.builder().serverErrorShare(0.5).faultSeed(7).build();
        simulator.reconfigure(options);
        List<Integer> first = statuses(12);

        simulator.reset();
        List<Integer> second = statuses(12);

        assertThat(second).isEqualTo(first);
        assertThat(first).contains(200, 500);
    }

    private static List<Integer> statuses(int count) throws Exception {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            statuses.add(http.chat(BODY).statusCode());
        }
        return statuses;
    }
}
