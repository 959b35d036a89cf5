package dev.evalunit.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicLong;

/** Talks to a simulator over loopback with the JDK's client, as an OpenAI client would. */
final class SimulatorHttp {

    static final String KEY = "sk-" + "test-secret-key-1234";
    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final OpenAiSimulator simulator;

    SimulatorHttp(OpenAiSimulator simulator) {
        this.simulator = simulator;
    }

    /** A chat body of one user message for {@code model}, with extra JSON fields appended verbatim. */
    static String chat(String model, String user, String extraFields) {
        try {
            return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":"
                    + JSON.writeValueAsString(user) + "}]" + (extraFields.isEmpty() ? "" : "," + extraFields) + "}";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return send(request(path).header("Authorization", "Bearer " + KEY)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    HttpResponse<String> postWithoutKey(String path, String body) throws IOException, InterruptedException {
        return send(request(path).POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(request(path).header("Authorization", "Bearer " + KEY).GET().build());
    }

    HttpResponse<String> chat(String body) throws IOException, InterruptedException {
        return post("/chat/completions", body);
    }

    static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(simulator.baseUrl() + path)).header("Content-Type", "application/json");
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** A clock the test moves by hand. */
    static final class FakeClock {
        final AtomicLong nanos = new AtomicLong(1_000_000_000L);

        long now() {
            return nanos.get();
        }

        void advanceMillis(long millis) {
            nanos.addAndGet(millis * 1_000_000);
        }
    }
}
