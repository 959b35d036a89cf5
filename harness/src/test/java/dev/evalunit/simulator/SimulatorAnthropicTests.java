package dev.evalunit.simulator;

import static dev.evalunit.simulator.SimulatorHttp.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.HttpResponseFor;
import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.errors.BadRequestException;
import com.anthropic.errors.InternalServerException;
import com.anthropic.errors.NotFoundException;
import com.anthropic.models.ErrorType;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.StopReason;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * anthropic-java's own client, with response validation on, against the simulator's {@code POST /v1/messages}: every
 * answer must parse into the SDK's types, and every error must surface as the SDK's exception of its status.
 */
class SimulatorAnthropicTests {

    static final String KEY = "sk-ant-" + "test";
    private static final String HAIKU = "claude-haiku-4-5";
    private static final String QUESTION = "Which planet is largest?\nA. Mars\nB. Jupiter\nC. Venus\nD. Earth";

    @AutoClose
    private static final OpenAiSimulator simulator = OpenAiSimulator.start();
    private static final AnthropicClient client = client(simulator);
    private static final SimulatorHttp http = new SimulatorHttp(simulator);
    private static final HttpClient JDK = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    static AnthropicClient client(OpenAiSimulator simulator) {
        return AnthropicOkHttpClient.builder().apiKey(KEY).baseUrl(simulator.anthropicBaseUrl()).maxRetries(0)
                .responseValidation(true).build();
    }

    /** One user message to {@code model}, with {@code max_tokens} 100. */
    static MessageCreateParams.Builder ask(String model, String user) {
        return MessageCreateParams.builder().model(model).maxTokens(100).addUserMessage(user);
    }

    @AfterAll
    static void closeClient() {
        client.close();
    }

    @BeforeEach
    void reset() {
        simulator.reconfigure(SimulatorOptions.defaults());
        simulator.reset();
    }

    @Test
    void answersInAnthropicsShapeWhatTheChatRouteAnswersTheSameConversation() throws Exception {
        HttpResponseFor<Message> raw = client.messages().withRawResponse().create(ask(HAIKU, QUESTION)
                .system("Answer with the letter only.").putAdditionalBodyProperty("temperature", JsonValue.from(0.0))
                .build());
        Message message = raw.parse();

        // The SDK read it whole: one text block, Anthropic's stop reason and usage, the model as asked
        assertThat(message.id()).startsWith("msg_01");
        assertThat(message.model().asString()).isEqualTo(HAIKU);
        assertThat(message.stopReason()).hasValue(StopReason.END_TURN);
        assertThat(message.stopSequence()).isEmpty();
        assertThat(message.content()).singleElement().satisfies(block -> assertThat(block.isText()).isTrue());
        String letter = message.content().get(0).asText().text();
        assertThat(letter).isIn("A", "B", "C", "D");
        assertThat(message.usage().outputTokens()).isEqualTo(1);
        assertThat(message.usage().cacheReadInputTokens()).hasValue(0L);
        assertThat(raw.requestId()).hasValueSatisfying(id -> assertThat(id).startsWith("req_"));
        assertThat(raw.headers().values("x-request-id")).isEmpty();

        // The chat route, asked the same conversation (the system prompt as the first message), answers the same
        // letter and counts the same prompt tokens
        HttpResponse<String> chat = http.chat("{\"model\":\"" + HAIKU + "\",\"temperature\":0,\"messages\":["
                + "{\"role\":\"system\",\"content\":\"Answer with the letter only.\"},{\"role\":\"user\",\"content\":"
                + SimulatorHttp.JSON.writeValueAsString(QUESTION) + "}]}");
        JsonNode completion = json(chat);
        assertThat(completion.at("/choices/0/message/content").asText()).isEqualTo(letter);
        assertThat(message.usage().inputTokens()).isEqualTo(completion.at("/usage/prompt_tokens").asLong());
    }

    @Test
    void logsTheBodiesItReceivedAndCountsThemApartFromChatRequests() throws Exception {
        client.messages().create(ask(HAIKU, "Hello").system("Be brief.").build());
        http.chat(SimulatorHttp.chat("gpt-4o-mini", "hi", ""));

        assertThat(simulator.requests().messagesRequests()).isEqualTo(1);
        assertThat(simulator.requests().chatRequests()).isEqualTo(1);
        ReceivedRequest received = simulator.requests().all().stream().filter(ReceivedRequest::isMessages)
                .findFirst().orElseThrow();
        assertThat(received.model()).isEqualTo(HAIKU);
        assertThat(received.status()).isEqualTo(200);
        JsonNode body = SimulatorHttp.JSON.readTree(received.body());
        assertThat(body.get("system").asText()).isEqualTo("Be brief.");
        assertThat(body.get("max_tokens").asInt()).isEqualTo(100);
        assertThat(received.body()).doesNotContain(KEY);
    }

    @Test
    void cutsTheAnswerAtMaxTokensAndAtTheFirstStopSequence() {
        simulator.reconfigure(SimulatorOptions.builder()
                .answerer((request, choice, random) -> "Paris is the capital. It lies on the Seine.").build());

        Message cut = client.messages().create(ask(HAIKU, "Capital of France?").maxTokens(2).build());
        Message stopped = client.messages().create(ask(HAIKU, "Capital of France?")
                .stopSequences(List.of("Seine", ".")).build());

        assertThat(cut.stopReason()).hasValue(StopReason.MAX_TOKENS);
        assertThat(cut.usage().outputTokens()).isEqualTo(2);
        assertThat(cut.content().get(0).asText().text()).isEqualTo("Paris is");
        assertThat(stopped.stopReason()).hasValue(StopReason.STOP_SEQUENCE);
        assertThat(stopped.stopSequence()).hasValue(".");
        assertThat(stopped.content().get(0).asText().text()).isEqualTo("Paris is the capital");
    }

    @Test
    void refusesATemperatureAboveOne() {
        assertThatThrownBy(() -> client.messages().create(ask(HAIKU, "hi")
                .putAdditionalBodyProperty("temperature", JsonValue.from(1.5)).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.errorType()).hasValue(ErrorType.INVALID_REQUEST_ERROR);
                    assertThat(e.apiMessage()).hasValue("temperature: Input should be less than or equal to 1");
                });
    }

    @Test
    void refusesNWhichAnthropicDoesNotKnow() {
        assertThatThrownBy(() -> client.messages().create(ask(HAIKU, "hi")
                .putAdditionalBodyProperty("n", JsonValue.from(3)).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e ->
                        assertThat(e.apiMessage()).hasValue("n: Extra inputs are not permitted"));
    }

    @Test
    void refusesATemperatureToAModelFromOpus47OnButNotBefore() {
        for (String model : List.of("claude-opus-4-7", "claude-sonnet-5", "claude-fable-5")) {
            assertThatThrownBy(() -> client.messages().create(ask(model, "hi")
                    .putAdditionalBodyProperty("temperature", JsonValue.from(0.5)).build()))
                    .as(model).isInstanceOfSatisfying(BadRequestException.class, e ->
                            assertThat(e.apiMessage()).hasValue("`temperature` is deprecated for this model."));
        }
        assertThat(client.messages().create(ask("claude-opus-4-7", "hi").build()).content()).hasSize(1);
        assertThat(client.messages().create(ask("claude-opus-4-6", "hi")
                .putAdditionalBodyProperty("temperature", JsonValue.from(0.5)).build()).content()).hasSize(1);
    }

    @Test
    void refusesWhatAnthropicRequires() throws Exception {
        HttpResponse<String> noMaxTokens = post("{\"model\":\"" + HAIKU + "\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"hi\"}]}", true, true);
        HttpResponse<String> noMessages = post("{\"model\":\"" + HAIKU + "\",\"max_tokens\":5,\"messages\":[]}",
                true, true);

        assertThat(noMaxTokens.statusCode()).isEqualTo(400);
        assertThat(json(noMaxTokens).at("/error/message").asText()).isEqualTo("max_tokens: Field required");
        assertThat(json(noMaxTokens).get("type").asText()).isEqualTo("error");
        assertThat(json(noMaxTokens).get("request_id").asText())
                .isEqualTo(noMaxTokens.headers().firstValue("request-id").orElseThrow());
        assertThat(noMessages.statusCode()).isEqualTo(400);
        assertThat(json(noMessages).at("/error/message").asText()).isEqualTo("messages: at least one message is required");
    }

    @Test
    void refusesARequestWithoutAnthropicsHeaders() throws Exception {
        String body = "{\"model\":\"" + HAIKU + "\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

        HttpResponse<String> noKey = post(body, false, true);
        HttpResponse<String> noVersion = post(body, true, false);

        assertThat(noKey.statusCode()).isEqualTo(401);
        assertThat(json(noKey).at("/error/type").asText()).isEqualTo("authentication_error");
        assertThat(noVersion.statusCode()).isEqualTo(400);
        assertThat(json(noVersion).at("/error/message").asText()).isEqualTo("anthropic-version: header is required");
        assertThat(post(body, true, true).statusCode()).isEqualTo(200);
    }

    @Test
    void refusesEveryRequestWhenTheCreditBalanceIsTooLow() {
        simulator.reconfigure(SimulatorOptions.builder().insufficientQuota(true).build());

        assertThatThrownBy(() -> client.messages().create(ask(HAIKU, "hi").build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.errorType()).hasValue(ErrorType.INVALID_REQUEST_ERROR);
                    assertThat(e.apiMessage()).hasValue("Your credit balance is too low to access the Anthropic API. "
                            + "Please go to Plans & Billing to upgrade or purchase credits.");
                });
    }

    @Test
    void answersOverloadedWith529WhenScriptedDrawnOrForAnOverloadedModel() {
        simulator.failNext(1, 529, "overloaded_error");
        assertOverloaded(HAIKU);
        assertThat(client.messages().create(ask(HAIKU, "hi").build()).content()).hasSize(1);

        simulator.reconfigure(SimulatorOptions.builder().overloadedModels("claude-opus-4-6").build());
        assertOverloaded("claude-opus-4-6");
        assertThat(client.messages().create(ask(HAIKU, "hi").build()).content()).hasSize(1);

        simulator.reconfigure(SimulatorOptions.builder().overloadedShare(1).build());
        assertOverloaded(HAIKU);
        assertThat(simulator.requests().calls("POST /v1/messages")).isEqualTo(5);
    }

    private static void assertOverloaded(String model) {
        assertThatThrownBy(() -> client.messages().create(ask(model, "hi").build()))
                .isInstanceOfSatisfying(AnthropicServiceException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(529);
                    assertThat(e.errorType()).hasValue(ErrorType.OVERLOADED_ERROR);
                });
    }

    @Test
    void answersAnUnknownModelWith404() {
        simulator.reconfigure(SimulatorOptions.builder().unknownModels("claude-9").build());

        assertThatThrownBy(() -> client.messages().create(ask("claude-9", "hi").build()))
                .isInstanceOfSatisfying(NotFoundException.class, e -> {
                    assertThat(e.errorType()).hasValue(ErrorType.NOT_FOUND_ERROR);
                    assertThat(e.apiMessage()).hasValue("model: claude-9");
                });
    }

    @Test
    void answersAShareOfRequestsWithAnApiError() {
        simulator.reconfigure(SimulatorOptions.builder().serverErrorShare(1).build());

        assertThatThrownBy(() -> client.messages().create(ask(HAIKU, "hi").build()))
                .isInstanceOfSatisfying(InternalServerException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(500);
                    assertThat(e.errorType()).hasValue(ErrorType.API_ERROR);
                });
    }

    private static HttpResponse<String> post(String body, boolean key, boolean version) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(simulator.anthropicBaseUrl() + "/v1/messages"))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (key) {
            request.header("x-api-key", KEY);
        }
        if (version) {
            request.header("anthropic-version", "2023-06-01");
        }
        return JDK.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
