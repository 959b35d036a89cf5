package dev.evalunit.simulator;

import static dev.evalunit.simulator.SimulatorHttp.chat;
import static dev.evalunit.simulator.SimulatorHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.evalunit.Message;
import dev.evalunit.internal.client.TokenEstimator;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SimulatorChatTests {

    private static final String QUESTION = "What happens if you eat watermelon seeds?\n"
            + "A. Nothing happens\nB. You grow watermelons in your stomach\n(C) You get sick\nD) You die";

    @AutoClose
    private static final OpenAiSimulator simulator = OpenAiSimulator.start();
    private static final SimulatorHttp http = new SimulatorHttp(simulator);

    @BeforeEach
    void reset() {
        simulator.reset();
    }

    @Test
    void baseUrlIsLoopbackEndingInV1() {
        assertThat(simulator.baseUrl()).isEqualTo("http://127.0.0.1:" + simulator.port() + "/v1");
    }

    @Test
    void answersWithABodyShapedLikeOpenAis() throws Exception {
        HttpResponse<String> response = http.chat(chat("gpt-4o-mini", "Capital of Australia?", "\"temperature\":0"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(response.headers().firstValue("x-request-id")).hasValueSatisfying(
                id -> assertThat(id).matches("req_[0-9a-f]{32}"));
        assertThat(response.headers().firstValue("openai-processing-ms")).isPresent();
        assertThat(response.headers().firstValue("x-ratelimit-limit-requests")).isEmpty();
        JsonNode body = json(response);
        assertThat(body.get("id").asText()).startsWith("chatcmpl-");
        assertThat(body.get("object").asText()).isEqualTo("chat.completion");
        assertThat(body.get("created").asLong()).isPositive();
        assertThat(body.get("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(body.get("system_fingerprint").asText()).isEqualTo("fp_simulator");
        JsonNode choice = body.get("choices").get(0);
        assertThat(choice.get("index").asInt()).isZero();
        assertThat(choice.get("message").get("role").asText()).isEqualTo("assistant");
        assertThat(choice.get("message").get("refusal").isNull()).isTrue();
        assertThat(choice.get("logprobs").isNull()).isTrue();
        assertThat(choice.get("finish_reason").asText()).isEqualTo("stop");
        String answer = choice.get("message").get("content").asText();
        assertThat(answer).startsWith("Simulated answer ");

        TokenEstimator tokens = TokenEstimator.shared();
        JsonNode usage = body.get("usage");
        int prompt = tokens.countMessages("gpt-4o-mini", List.of(Message.user("Capital of Australia?")));
        int completion = tokens.countText("gpt-4o-mini", answer);
        assertThat(usage.get("prompt_tokens").asInt()).isEqualTo(prompt);
        assertThat(usage.get("completion_tokens").asInt()).isEqualTo(completion);
        assertThat(usage.get("total_tokens").asInt()).isEqualTo(prompt + completion);
        assertThat(usage.get("prompt_tokens_details").get("cached_tokens").asInt()).isZero();
        assertThat(usage.get("completion_tokens_details").get("reasoning_tokens").asInt()).isZero();
    }

    /**
     * The example conversation of OpenAI's cookbook, "How to count tokens with tiktoken" (section 6), sent to the
     * API with {@code max_tokens: 1}: the API reported 129 prompt tokens for gpt-3.5-turbo, gpt-4-0613 and gpt-4,
     * 124 for gpt-4o and gpt-4o-mini. The simulator bills the same.
     */
    static final String COOKBOOK_MESSAGES = """
            [{"role": "system", "content": "You are a helpful, pattern-following assistant that translates corporate jargon into plain English."},
             {"role": "system", "name": "example_user", "content": "New synergies will help drive top-line growth."},
             {"role": "system", "name": "example_assistant", "content": "Things working well together will increase revenue."},
             {"role": "system", "name": "example_user", "content": "Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage."},
             {"role": "system", "name": "example_assistant", "content": "Let's talk later when we're less busy about how to do better."},
             {"role": "user", "content": "This late pivot means we don't have time to boil the ocean for the client deliverable."}]""";

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}: {1} prompt tokens")
    @org.junit.jupiter.params.provider.CsvSource({"gpt-3.5-turbo, 129", "gpt-4-0613, 129", "gpt-4, 129", "gpt-4o, 124",
            "gpt-4o-mini, 124"})
    void billsTheCookbooksExampleAsTheApiDid(String model, int promptTokens) throws Exception {
        String body = "{\"model\":\"" + model + "\",\"messages\":" + COOKBOOK_MESSAGES
                + ",\"temperature\":0,\"max_tokens\":1}";

        JsonNode usage = json(http.chat(body)).get("usage");

        assertThat(usage.get("prompt_tokens").asInt()).isEqualTo(promptTokens);
    }

    @Test
    void theClientsEstimateOfTheCookbooksExampleIsWhatTheSimulatorBills() throws Exception {
        // The client sends no names: the same conversation without them, counted by two separate implementations
        JsonNode messages = new com.fasterxml.jackson.databind.ObjectMapper().readTree(COOKBOOK_MESSAGES);
        List<Message> sent = new java.util.ArrayList<>();
        StringBuilder nameless = new StringBuilder("[");
        for (JsonNode m : messages) {
            String role = m.get("role").asText();
            String content = m.get("content").asText();
            sent.add(role.equals("user") ? Message.user(content) : Message.system(content));
            nameless.append(nameless.length() > 1 ? "," : "").append("{\"role\":\"").append(role)
                    .append("\",\"content\":").append(new com.fasterxml.jackson.databind.ObjectMapper()
                            .writeValueAsString(content)).append('}');
        }
        nameless.append(']');

        for (String model : List.of("gpt-4o-mini", "gpt-4")) {
            JsonNode usage = json(http.chat("{\"model\":\"" + model + "\",\"messages\":" + nameless
                    + ",\"max_tokens\":1}")).get("usage");
            assertThat(TokenEstimator.shared().countMessages(model, sent)).as(model)
                    .isEqualTo(usage.get("prompt_tokens").asInt());
        }
    }

    @Test
    void acceptsContentAsAnArrayOfTextParts() throws Exception {
        String body = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Capital \"},{\"type\":\"text\",\"text\":\"of Peru?\"}]}]}";

        JsonNode usage = json(http.chat(body)).get("usage");

        assertThat(usage.get("prompt_tokens").asInt()).isEqualTo(TokenEstimator.shared().countMessages("gpt-4o-mini",
                List.of(Message.system("Be brief."), Message.user("Capital of Peru?"))));
    }

    @Test
    void refusesInvalidJsonWith400() throws Exception {
        HttpResponse<String> response = http.chat("{\"model\": \"gpt-4o-mini\", messages");

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = json(response).get("error");
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.get("message").asText()).startsWith("We could not parse the JSON body");
        assertThat(error.has("param")).isTrue();
        assertThat(error.has("code")).isTrue();
    }

    @Test
    void refusesAMissingModelOrMessagesWith400() throws Exception {
        HttpResponse<String> noModel = http.chat("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        HttpResponse<String> noMessages = http.chat("{\"model\":\"gpt-4o-mini\"}");

        assertThat(noModel.statusCode()).isEqualTo(400);
        assertThat(json(noModel).get("error").get("message").asText()).contains("model");
        assertThat(noMessages.statusCode()).isEqualTo(400);
        assertThat(json(noMessages).get("error").get("param").asText()).isEqualTo("messages");
        assertThat(json(noMessages).get("error").get("code").asText()).isEqualTo("missing_required_parameter");
    }

    @Test
    void refusesARequestWithoutAnApiKeyWith401() throws Exception {
        HttpResponse<String> response = http.postWithoutKey("/chat/completions", chat("gpt-4o-mini", "hi", ""));

        assertThat(response.statusCode()).isEqualTo(401);
        JsonNode error = json(response).get("error");
        assertThat(error.get("code").asText()).isEqualTo("invalid_api_key");
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
    }

    @Test
    void answersUnknownUrlsWithAnOpenAiShaped404() throws Exception {
        HttpResponse<String> response = http.post("/embeddings", "{}");

        assertThat(response.statusCode()).isEqualTo(404);
        JsonNode error = json(response).get("error");
        assertThat(error.get("code").asText()).isEqualTo("unknown_url");
        assertThat(error.get("message").asText()).isEqualTo("Invalid URL (POST /v1/embeddings)");
    }

    @Test
    void listsModels() throws Exception {
        JsonNode models = json(http.get("/models"));

        assertThat(models.get("object").asText()).isEqualTo("list");
        assertThat(models.get("data").findValuesAsText("id")).contains("gpt-4o-mini");
    }

    @Test
    void givesTheSameAnswerToTheSameSeededRequest() throws Exception {
        String body = chat("gpt-4o-mini", "Tell me something.", "\"temperature\":1.0,\"seed\":42,\"n\":3");

        JsonNode first = json(http.chat(body)).get("choices");
        JsonNode second = json(http.chat(body)).get("choices");

        assertThat(second).isEqualTo(first);
    }

    @Test
    void givesTheSameAnswerAtTemperatureZeroWithoutASeed() throws Exception {
        String body = chat("gpt-4o-mini", "Tell me something.", "\"temperature\":0");

        assertThat(answer(http.chat(body))).isEqualTo(answer(http.chat(body)));
    }

    @Test
    void variesAnswersAtAPositiveTemperatureWithoutASeed() throws Exception {
        String body = chat("gpt-4o-mini", "Tell me something.", "\"temperature\":1.0");
        Set<String> answers = new HashSet<>();

        for (int i = 0; i < 20; i++) {
            answers.add(answer(http.chat(body)));
        }

        assertThat(answers).hasSizeGreaterThan(1);
    }

    @Test
    void answersALetteredQuestionWithOneOfItsLetters() throws Exception {
        for (int seed = 0; seed < 10; seed++) {
            String answer = answer(http.chat(chat("gpt-4o-mini", QUESTION, "\"seed\":" + seed)));

            assertThat(answer).isIn("A", "B", "C", "D");
        }
    }

    @Test
    void returnsLogprobsWithAlternativesWhenAsked() throws Exception {
        JsonNode choice = json(http.chat(chat("gpt-4o-mini", QUESTION, "\"logprobs\":true,\"top_logprobs\":3")))
                .get("choices").get(0);

        JsonNode content = choice.get("logprobs").get("content");
        assertThat(content).hasSize(1);
        JsonNode token = content.get(0);
        String letter = choice.get("message").get("content").asText();
        assertThat(token.get("token").asText()).isEqualTo(letter);
        assertThat(token.get("logprob").asDouble()).isNegative();
        assertThat(token.get("bytes").get(0).asInt()).isEqualTo(letter.charAt(0));
        JsonNode top = token.get("top_logprobs");
        assertThat(top).hasSize(3);
        assertThat(top.findValuesAsText("token")).doesNotHaveDuplicates().allMatch(t -> t.matches("[ABCD]"));
        assertThat(top.get(1).get("logprob").asDouble()).isLessThan(token.get("logprob").asDouble());
    }

    @Test
    void cutsTheAnswerAtMaxTokensAndSaysLength() throws Exception {
        JsonNode body = json(http.chat(chat("gpt-4o-mini", "Tell me something.", "\"max_tokens\":2")));

        assertThat(body.get("choices").get(0).get("finish_reason").asText()).isEqualTo("length");
        String answer = body.get("choices").get(0).get("message").get("content").asText();
        assertThat(TokenEstimator.shared().countText("gpt-4o-mini", answer)).isEqualTo(2);
        assertThat(body.get("usage").get("completion_tokens").asInt()).isEqualTo(2);
    }

    @Test
    void sumsCompletionTokensOverAllChoices() throws Exception {
        JsonNode body = json(http.chat(chat("gpt-4o-mini", "Tell me something.", "\"n\":2,\"seed\":1")));

        JsonNode choices = body.get("choices");
        assertThat(choices).hasSize(2);
        int expected = 0;
        for (JsonNode choice : choices) {
            expected += TokenEstimator.shared().countText("gpt-4o-mini", choice.get("message").get("content").asText());
        }
        assertThat(body.get("usage").get("completion_tokens").asInt()).isEqualTo(expected);
    }

    @Test
    void usesAPluggedInAnswerer() throws Exception {
        simulator.reconfigure(simulator.options().toBuilder()
                .answerer((request, choice, random) -> "echo " + request.lastUserMessage()).build());
        try {
            assertThat(answer(http.chat(chat("gpt-4o-mini", "ping", "")))).isEqualTo("echo ping");
        } finally {
            simulator.reconfigure(SimulatorOptions.defaults());
        }
    }

    private static String answer(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).isEqualTo(200);
        return json(response).get("choices").get(0).get("message").get("content").asText();
    }
}
