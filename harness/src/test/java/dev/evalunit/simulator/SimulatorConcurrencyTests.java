package dev.evalunit.simulator;

import static dev.evalunit.simulator.SimulatorHttp.chat;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class SimulatorConcurrencyTests {

    @Test
    void servesHundredsOfDelayedRequestsInFlightAtOnce() {
        // Given a latency that would exhaust a thread-per-request server if delays slept on its threads
        try (OpenAiSimulator simulator = OpenAiSimulator.start(SimulatorOptions.builder()
                .latency(Latency.fixed(Duration.ofMillis(200))).requestsPerMinute(1_000_000).build())) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpRequest request = HttpRequest.newBuilder(URI.create(simulator.baseUrl() + "/chat/completions"))
                    .header("Authorization", "Bearer " + SimulatorHttp.KEY)
                    .POST(HttpRequest.BodyPublishers.ofString(chat("gpt-4o-mini", "hi", ""))).build();

            // When 256 requests are sent together
            List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
            for (int i = 0; i < 256; i++) {
                responses.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
            }

            // Then every one is answered, each with its rate-limit headers
            assertThat(responses).allSatisfy(response -> {
                assertThat(response.join().statusCode()).isEqualTo(200);
                assertThat(response.join().headers().firstValue("x-ratelimit-limit-requests")).hasValue("1000000");
            });
            assertThat(simulator.requests().served200()).isEqualTo(256);
        }
    }
}
