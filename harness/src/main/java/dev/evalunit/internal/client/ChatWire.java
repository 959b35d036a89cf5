package dev.evalunit.internal.client;

import static org.apiguardian.api.API.Status.INTERNAL;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.openai.core.ObjectMappers;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionTokenLogprob;
import dev.evalunit.ChatRequest;
import dev.evalunit.Completion;
import dev.evalunit.ErrorKind;
import dev.evalunit.LlmException;
import dev.evalunit.Message;
import dev.evalunit.config.ModelPrice;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * A chat completion on OpenAI's wire: the request body we send and the answer we read back. The
 * real-time transport and the Batch API's JSONL lines both go through here, so a batched request is
 * byte for byte the body a real-time one would send, and both answers become the same
 * {@link Completion}. Stateless and thread-safe; for evalunit's own packages, not for benchmark authors.
 */
@API(status = INTERNAL, since = "0.1")
public final class ChatWire {

    private static final JsonMapper MAPPER = ObjectMappers.jsonMapper();

    private ChatWire() {
    }

    /**
     * The JSON body of {@code POST /v1/chat/completions} for the request, as openai-java writes it: what a
     * batch line carries and a report attaches. Headers (and so the API key) are not part of it.
     */
    public static byte[] body(String model, ChatRequest request) {
        try {
            return MAPPER.writeValueAsBytes(params(model, request)._body());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the body of a request to " + model, e);
        }
    }

    /** The request as openai-java's parameters, addressed to {@code model} (which wins over the request's own). */
    public static ChatCompletionCreateParams params(String model, ChatRequest request) {
        ChatCompletionCreateParams.Builder b = ChatCompletionCreateParams.builder().model(model);
        for (Message m : request.messages()) {
            switch (m.role()) {
                case SYSTEM -> b.addSystemMessage(m.content());
                case USER -> b.addUserMessage(m.content());
                case ASSISTANT -> b.addAssistantMessage(m.content());
            }
        }
        if (request.temperature() != null) {
            b.temperature(request.temperature());
        }
        if (request.maxTokens() != null) {
            b.maxCompletionTokens(request.maxTokens());
        }
        if (request.seed() != null) {
            b.seed(request.seed());
        }
        if (request.n() > 1) {
            b.n(request.n());
        }
        if (request.topLogprobs() != null) {
            b.logprobs(true);
            if (request.topLogprobs() > 0) {
                b.topLogprobs(request.topLogprobs());
            }
        }
        return b.build();
    }

    /**
     * Our standard form of an answer.
     *
     * @param body       the parsed chat completion
     * @param model      the model the request was addressed to, for error messages
     * @param requestId  the API's request id, or {@code null}
     * @param httpStatus the status the body came with, for error messages
     * @param attempt    which attempt this answer is (1 for the first)
     * @param latency    the round trip of this attempt
     * @param elapsed    from the call to the answer
     * @param price      the model's price, when the table has one; cost is 0 otherwise
     * @param batch      whether it came through the Batch API, and is priced at the batch discount
     * @throws LlmException of kind {@link ErrorKind#MALFORMED_RESPONSE} when the body has no choices
     */
    public static Completion completion(ChatCompletion body, String model, String requestId, int httpStatus,
                                        int attempt, Duration latency, Duration elapsed, Optional<ModelPrice> price,
                                        boolean batch) {
        if (body.choices().isEmpty()) {
            throw LlmException.of(ErrorKind.MALFORMED_RESPONSE, model, attempt, httpStatus, requestId, null,
                    null, "the response has no choices", null);
        }
        List<String> choices = new ArrayList<>(body.choices().size());
        for (ChatCompletion.Choice choice : body.choices()) {
            choices.add(choice.message().content().orElse(""));
        }
        ChatCompletion.Choice first = body.choices().get(0);
        long prompt = body.usage().map(u -> u.promptTokens()).orElse(0L);
        long output = body.usage().map(u -> u.completionTokens()).orElse(0L);
        long cached = body.usage().flatMap(u -> u.promptTokensDetails()).flatMap(d -> d.cachedTokens()).orElse(0L);
        double cost = price.map(p -> p.cost(prompt, cached, output, batch)).orElse(0.0);
        List<List<Completion.TokenLogprob>> perChoice = new ArrayList<>();
        if (body.choices().size() > 1) {
            body.choices().forEach(choice -> perChoice.add(logprobs(choice)));
        }
        return new Completion(choices.get(0), choices, first.finishReason().asString(), body.model(),
                (int) prompt, (int) output, (int) cached, latency, elapsed, attempt, requestId,
                body.systemFingerprint().orElse(null), cost, logprobs(first), List.of(), null, perChoice);
    }

    private static List<Completion.TokenLogprob> logprobs(ChatCompletion.Choice choice) {
        Optional<List<ChatCompletionTokenLogprob>> content = choice.logprobs().flatMap(l -> l.content());
        if (content.isEmpty()) {
            return List.of();
        }
        List<Completion.TokenLogprob> out = new ArrayList<>(content.get().size());
        for (ChatCompletionTokenLogprob t : content.get()) {
            List<Completion.Alternative> top = new ArrayList<>(t.topLogprobs().size());
            for (ChatCompletionTokenLogprob.TopLogprob alt : t.topLogprobs()) {
                top.add(new Completion.Alternative(alt.token(), alt.logprob()));
            }
            out.add(new Completion.TokenLogprob(t.token(), t.logprob(), top));
        }
        return out;
    }
}
