package dev.evalunit.internal.client;

import static org.apiguardian.api.API.Status.INTERNAL;

import com.anthropic.core.JsonValue;
import com.anthropic.core.ObjectMappers;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.TextBlock;
import com.anthropic.models.messages.Usage;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.evalunit.ChatRequest;
import dev.evalunit.Completion;
import dev.evalunit.ErrorKind;
import dev.evalunit.LlmException;
import dev.evalunit.config.ModelPrice;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apiguardian.api.API;

/**
 * A chat request on Anthropic's wire ({@code POST /v1/messages}) and its answer read back, as anthropic-java's own
 * types write and read them, so every body we send is one the SDK calls valid. What Anthropic does not have is
 * settled here: system messages go to the top-level {@code system}; {@code max_tokens}, which Anthropic requires,
 * defaults to {@value #DEFAULT_MAX_TOKENS}; a temperature is sent only to a model that takes one
 * ({@link ModelTraits}), and a temperature of 1.0 (the default) to one that does not is left out; seeds and log
 * probabilities are not sent (the answer has none); a request of several choices is refused, since samples to
 * Anthropic are separate requests. Stateless and thread-safe.
 */
@API(status = INTERNAL, since = "0.1")
public final class AnthropicWire {

    /** Anthropic requires {@code max_tokens}; a request that sets none gets this many. */
    public static final int DEFAULT_MAX_TOKENS = 1024;

    private static final JsonMapper MAPPER = ObjectMappers.jsonMapper();

    private AnthropicWire() {
    }

    /**
     * The request as anthropic-java's parameters, addressed to {@code model} (the run's name: a provider prefix is
     * taken off).
     *
     * @throws LlmException of kind {@link ErrorKind#INVALID_REQUEST} for what Anthropic cannot be asked: several
     *                      choices, or a temperature the model does not take (checked before a run sends anything;
     *                      this is the last line)
     */
    public static MessageCreateParams params(String model, ChatRequest request) {
        String wireModel = ModelTraits.wireName(model);
        MessageCreateParams.Builder b = MessageCreateParams.builder().model(wireModel)
                .maxTokens(request.maxTokens() != null ? request.maxTokens() : DEFAULT_MAX_TOKENS);
        String system = request.messages().stream().filter(m -> m.role() == dev.evalunit.Message.Role.SYSTEM)
                .map(dev.evalunit.Message::content).collect(Collectors.joining("\n\n"));
        if (!system.isEmpty()) {
            b.system(system);
        }
        for (dev.evalunit.Message m : request.messages()) {
            switch (m.role()) {
                case USER -> b.addUserMessage(m.content());
                case ASSISTANT -> b.addAssistantMessage(m.content());
                case SYSTEM -> { } // above
            }
        }
        if (request.n() > 1) {
            throw refused(model, "asks for " + request.n() + " choices in one request; Anthropic has no n, so its "
                    + "samples are sent as separate requests");
        }
        if (request.temperature() != null) {
            Optional<String> wrong = ModelTraits.of(model).temperatureProblem(request.temperature());
            if (wrong.isPresent()) {
                throw refused(model, wrong.get());
            }
            if (ModelTraits.of(model).takesTemperature()) {
                // anthropic-java 3.16 no longer has a setter: the field is deprecated for new models, still valid for these
                b.putAdditionalBodyProperty("temperature", JsonValue.from(request.temperature()));
            }
        }
        return b.build();
    }

    /** The JSON body of {@code POST /v1/messages} for the request, as anthropic-java writes it (no headers, no key). */
    public static byte[] body(String model, ChatRequest request) {
        try {
            return MAPPER.writeValueAsBytes(params(model, request)._body());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the body of a request to " + model, e);
        }
    }

    /**
     * Our standard form of an answer. Anthropic's {@code input_tokens} leaves out tokens read from or written to
     * its cache; the prompt's tokens here count them all, of which the cache reads are the cached ones, as
     * OpenAI's {@code prompt_tokens} does.
     *
     * @param model      the model the request was addressed to (the run's name)
     * @param requestId  the API's request id, or {@code null}
     * @param httpStatus the status the body came with, for error messages
     * @param batch      whether it came through Message Batches, priced at the batch discount
     * @throws LlmException of kind {@link ErrorKind#MALFORMED_RESPONSE} when the answer has no text
     */
    public static Completion completion(Message body, String model, String requestId, int httpStatus, int attempt,
                                        Duration latency, Duration elapsed, Optional<ModelPrice> price, boolean batch) {
        List<String> texts = new ArrayList<>();
        for (ContentBlock block : body.content()) {
            block.text().map(TextBlock::text).ifPresent(texts::add);
        }
        if (texts.isEmpty()) {
            throw LlmException.of(ErrorKind.MALFORMED_RESPONSE, model, attempt, httpStatus, requestId, null, null,
                    "the answer has no text content", null);
        }
        String text = String.join("", texts);
        Usage usage = body.usage();
        long cached = usage.cacheReadInputTokens().orElse(0L);
        long prompt = usage.inputTokens() + cached + usage.cacheCreationInputTokens().orElse(0L);
        long output = usage.outputTokens();
        double cost = price.map(p -> p.cost(prompt, cached, output, batch)).orElse(0.0);
        return new Completion(text, List.of(text), finishReason(body.stopReason().orElse(null)), body.model().asString(),
                (int) prompt, (int) output, (int) cached, latency, elapsed, attempt, requestId, null, cost, List.of(),
                List.of(), null, List.of());
    }

    /** Anthropic's {@code stop_reason} in OpenAI's words, which the rest of evalunit reads ({@code length}, ...). */
    static String finishReason(StopReason reason) {
        if (reason == null) {
            return "stop";
        }
        if (reason.equals(StopReason.MAX_TOKENS) || reason.equals(StopReason.MODEL_CONTEXT_WINDOW_EXCEEDED)) {
            return "length";
        }
        if (reason.equals(StopReason.REFUSAL)) {
            return "content_filter";
        }
        if (reason.equals(StopReason.END_TURN) || reason.equals(StopReason.STOP_SEQUENCE)) {
            return "stop";
        }
        return reason.asString();
    }

    private static LlmException refused(String model, String why) {
        return LlmException.of(ErrorKind.INVALID_REQUEST, model, 0, 0, null, null, null,
                "not sent to " + model + ": the request " + why, null);
    }
}
