package dev.evalunit.internal.batch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.evalunit.ChatRequest;
import dev.evalunit.Message;
import dev.evalunit.internal.client.ThrottledClient;
import dev.evalunit.config.EvalConfig;
import dev.evalunit.config.OpenAIConfig;
import dev.evalunit.simulator.OpenAiSimulator;
import dev.evalunit.simulator.ReceivedRequest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class BatchLinesTests {

    private static final ObjectMapper JSON = new ObjectMapper();

    @AutoClose
    static OpenAiSimulator simulator;
    @AutoClose
    static ThrottledClient client;

    @BeforeAll
    static void start() {
        simulator = OpenAiSimulator.start();
        client = ThrottledClient.create(EvalConfig.defaults().withOpenAI(new OpenAIConfig("sk-" + "batch-lines-test",
                URI.create(simulator.baseUrl()), null, null, Duration.ofSeconds(2), Duration.ofSeconds(10))));
    }

    static Stream<ChatRequest> requests() {
        return Stream.of(
                ChatRequest.user("Capital of Australia?"),
                ChatRequest.of("You answer with one letter.", "A or B?").temperature(0.5).maxTokens(5).seed(7),
                ChatRequest.of(List.of(Message.system("s"), Message.user("u"), Message.assistant("a"),
                        Message.user("line one\nline two \"quoted\" é"))).n(3).logprobs(2).temperature(1.0),
                ChatRequest.user("logprobs of the chosen token only").logprobs(0));
    }

    @ParameterizedTest
    @MethodSource("requests")
    void bodyIsExactlyWhatTheRealTimeClientSends(ChatRequest request) throws Exception {
        simulator.reset();
        client.generate(request.model("gpt-4o-mini"));
        ReceivedRequest sent = simulator.requests().all().get(0);

        JsonNode line = JSON.readTree(BatchLines.line("id-1", "gpt-4o-mini", request));

        assertThat(line.get("body")).isEqualTo(JSON.readTree(sent.body()));
    }

    @Test
    void lineHasTheBatchRequestInputShapeOnOneLine() throws Exception {
        ChatRequest request = ChatRequest.user("two\nlines");

        byte[] bytes = BatchLines.line("picksTheTrueOption|tqa-0042|T=0.5|s=2", "gpt-4.1-mini", request);
        String text = new String(bytes, StandardCharsets.UTF_8);

        assertThat(text).doesNotContain("\n").startsWith("{\"custom_id\":\"picksTheTrueOption|tqa-0042|T=0.5|s=2\"");
        JsonNode line = JSON.readTree(text);
        assertThat(line.get("method").asText()).isEqualTo("POST");
        assertThat(line.get("url").asText()).isEqualTo("/v1/chat/completions");
        assertThat(line.get("body").get("model").asText()).isEqualTo("gpt-4.1-mini");
        assertThat(line.get("body").get("messages").get(0).get("content").asText()).isEqualTo("two\nlines");
    }

    @Test
    void customIdsAreEscapedAsJson() throws Exception {
        JsonNode line = JSON.readTree(BatchLines.line("a \"quoted\" \\ id", "gpt-4o-mini", ChatRequest.user("x")));

        assertThat(line.get("custom_id").asText()).isEqualTo("a \"quoted\" \\ id");
    }

    @Test
    void modelOfTheLineWinsOverTheRequestsOwn() throws Exception {
        JsonNode line = JSON.readTree(BatchLines.line("id", "gpt-4o", ChatRequest.user("x").model("gpt-4o-mini")));

        assertThat(line.get("body").get("model").asText()).isEqualTo("gpt-4o");
    }
}
