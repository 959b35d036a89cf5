package dev.evalunit.simulator;

import com.github.tomakehurst.wiremock.http.Fault;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingResult;
import com.knuddels.jtokkit.api.IntArrayList;
import dev.evalunit.simulator.SimulatedRequest.Message;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Answers {@code POST /v1/chat/completions}: validation, quota, scripted failures, rate limits,
 * faults, then the answer. Thread-safe; all mutable state lives in {@link SimulatorState}.
 */
final class ChatCompletions {

    static final String ORGANIZATION = "org-simulator";
    static final String SERVER_ERROR_MESSAGE = "The server had an error while processing your request. Sorry about that!";
    private static final String QUOTA_MESSAGE = "You exceeded your current quota, please check your plan and billing "
            + "details. For more information on this error, read the docs: "
            + "https://platform.openai.com/docs/guides/error-codes/api-errors.";
    private static final String RATE_LIMITS_URL = " Visit https://platform.openai.com/account/rate-limits to learn more.";

    /** One answer before it is written: its choices and token counts. */
    record Generated(List<CompletionBody.Choice> choices, int promptTokens, int completionTokens, Encoding encoding) {
    }

    private final SimulatorState state;

    ChatCompletions(SimulatorState state) {
        this.state = state;
    }

    SimResponse handle(byte[] rawBody, long nowNanos) {
        SimulatorOptions options = state.options();
        ChatBody body;
        try {
            body = ChatBody.parse(rawBody);
        } catch (ChatBody.Invalid invalid) {
            return SimResponse.error(400, invalid.getMessage(), "invalid_request_error", invalid.param, invalid.code);
        }
        SimulatedRequest request = body.request();
        String model = request.model();
        if (options.insufficientQuota()) {
            return quotaExceeded().model(model);
        }
        SimulatorState.Scripted scripted = state.nextScripted();
        if (scripted != null) {
            return scripted(scripted, model, options.retryAfter()).model(model);
        }
        if (options.unknownModels().contains(model)) {
            return SimResponse.error(404, "The model `" + model + "` does not exist or you do not have access to it.",
                    "invalid_request_error", null, "model_not_found").model(model);
        }
        if (options.overloadedModels().contains(model)) {
            return SimResponse.error(503, "That model is currently overloaded with other requests. You can retry your "
                    + "request, or contact us through our help center if the error persists.", "server_error", null,
                    null).model(model);
        }
        if (options.reasoningModels().contains(model)) {
            SimResponse unsupported = unsupportedByReasoningModel(request, body.logprobs());
            if (unsupported != null) {
                return unsupported.model(model);
            }
        }

        Generated generated = generate(body, options);
        long charged = generated.promptTokens() + (request.maxTokens() == null
                ? generated.completionTokens() : (long) request.n() * request.maxTokens());

        RateLimits limits = state.limits();
        RateLimits.Admission admission = null;
        if (limits.limited()) {
            admission = limits.admit(model, charged, nowNanos);
            if (!admission.admitted()) {
                return withLimitHeaders(rateLimited(model, admission, options.retryAfter()), admission).model(model);
            }
        }

        SimulatorState.Fault fault = state.drawFault(options);
        long delayMillis = state.drawSlow(options)
                ? options.slowLatency().toMillis() : options.latency().sampleMillis(ThreadLocalRandom.current());
        long actual = fault == SimulatorState.Fault.SERVER_ERROR || fault == SimulatorState.Fault.CONNECTION_RESET
                ? 0 : generated.promptTokens() + generated.completionTokens();
        limits.refundAt(model, nowNanos + delayMillis * 1_000_000, charged - actual);

        SimResponse response = switch (fault) {
            case SERVER_ERROR -> SimResponse.error(500, SERVER_ERROR_MESSAGE, "server_error", null,
                    "server_error");
            case CONNECTION_RESET -> {
                SimResponse reset = new SimResponse(200, new byte[0]);
                reset.fault = Fault.CONNECTION_RESET_BY_PEER;
                yield reset;
            }
            case MALFORMED_BODY, NONE -> {
                state.log().billed(generated.promptTokens(), generated.completionTokens());
                byte[] json = CompletionBody.write(Ids.completionId(), System.currentTimeMillis() / 1000,
                        request.model(), generated.choices(), generated.promptTokens(), generated.completionTokens(),
                        body, generated.encoding(), !state.drawUsageOmitted(options));
                yield new SimResponse(200, fault == SimulatorState.Fault.NONE ? json
                        : Arrays.copyOf(json, json.length / 2));
            }
        };
        response.delayMillis = delayMillis;
        return withLimitHeaders(response, admission).model(model);
    }

    /**
     * The answer to a valid request, as the chat endpoint and batches both give it: the choices from the
     * configured {@link Answerer}, truncated to the request's token limit, and the token counts.
     */
    Generated generate(ChatBody body, SimulatorOptions options) {
        SimulatedRequest request = body.request();
        Encoding encoding = PromptTokens.encoding(request.model());
        int promptTokens = body.promptTokens();
        List<CompletionBody.Choice> choices = new ArrayList<>(request.n());
        int completionTokens = 0;
        for (int i = 0; i < request.n(); i++) {
            CompletionBody.Choice choice = choice(request, i, body.logprobs(), options, encoding);
            completionTokens += choice.completionTokens();
            choices.add(choice);
        }
        return new Generated(choices, promptTokens, completionTokens, encoding);
    }

    /** The {@code chat.completion} body of a generated answer, created at {@code createdSeconds} (Unix time). */
    static byte[] write(Generated generated, ChatBody body, long createdSeconds) {
        return CompletionBody.write(Ids.completionId(), createdSeconds, body.request().model(), generated.choices(),
                generated.promptTokens(), generated.completionTokens(), body, generated.encoding());
    }

    private CompletionBody.Choice choice(SimulatedRequest request, int index, boolean logprobs,
                                         SimulatorOptions options, Encoding encoding) {
        Random random = new Random(answerSeed(request, index));
        String text = options.answerer().answer(request, index, random);
        if (text == null) {
            text = "";
        }
        String finish = "stop";
        IntArrayList answerTokens = null;
        if (request.maxTokens() != null) {
            EncodingResult encoded = encoding.encodeOrdinary(text, request.maxTokens());
            if (encoded.isTruncated()) {
                text = encoding.decode(encoded.getTokens());
                finish = "length";
            }
            answerTokens = encoded.getTokens();
        }
        if (logprobs && (answerTokens == null || finish.equals("length"))) {
            answerTokens = encoding.encodeOrdinary(text);
        }
        return new CompletionBody.Choice(text, finish, encoding.countTokensOrdinary(text), answerTokens, random);
    }

    /**
     * Same request, same answer whenever the request asks for repeatability (a seed, or temperature 0);
     * otherwise a counter makes each answer a fresh draw.
     */
    private long answerSeed(SimulatedRequest request, int index) {
        long hash = request.model().hashCode();
        for (Message message : request.messages()) {
            hash = hash * 1_000_003L + message.role().ordinal();
            hash = hash * 1_000_003L + message.content().hashCode();
        }
        Double temperature = request.temperature();
        hash = hash * 1_000_003L + (temperature == null ? -1 : Double.hashCode(temperature));
        if (request.seed() != null) {
            hash = hash * 1_000_003L + request.seed();
        } else if (temperature == null || temperature > 0) {
            hash = hash * 1_000_003L + state.nextUnseeded();
        }
        return Ids.mix(hash * 31 + index);
    }

    /** What OpenAI answers a reasoning model asked for a temperature other than the default, or for logprobs. */
    private static SimResponse unsupportedByReasoningModel(SimulatedRequest request, boolean logprobs) {
        Double temperature = request.temperature();
        if (temperature != null && temperature != 1.0) {
            return SimResponse.error(400, "Unsupported value: 'temperature' does not support " + temperature
                    + " with this model. Only the default (1) value is supported.", "invalid_request_error",
                    "temperature", "unsupported_value");
        }
        if (logprobs) {
            return SimResponse.error(400, "Unsupported parameter: 'logprobs' is not supported with this model.",
                    "invalid_request_error", "logprobs", "unsupported_parameter");
        }
        return null;
    }

    static SimResponse quotaExceeded() {
        return SimResponse.error(429, QUOTA_MESSAGE, "insufficient_quota", null, "insufficient_quota");
    }

    private static SimResponse scripted(SimulatorState.Scripted scripted, String model, boolean retryAfter) {
        SimResponse response = scriptedBody(scripted, model);
        if (retryAfter && "rate_limit_exceeded".equals(scripted.code())) {
            response = response.header("retry-after", "1").header("retry-after-ms", "100");
        }
        for (Map.Entry<String, String> header : scripted.headers().entrySet()) {
            response = response.header(header.getKey(), header.getValue());
        }
        return response;
    }

    private static SimResponse scriptedBody(SimulatorState.Scripted scripted, String model) {
        int status = scripted.status();
        String code = scripted.code();
        if ("insufficient_quota".equals(code)) {
            return SimResponse.error(status, QUOTA_MESSAGE, "insufficient_quota", null, code);
        }
        if ("rate_limit_exceeded".equals(code)) {
            return SimResponse.error(status, "Rate limit reached for " + model + " in organization " + ORGANIZATION
                    + " on requests per min (RPM): Limit 1, Used 1, Requested 1. Please try again in 100ms."
                    + RATE_LIMITS_URL, "requests", null, code);
        }
        String type = status >= 500 ? "server_error" : "invalid_request_error";
        String message = status >= 500 ? SERVER_ERROR_MESSAGE
                : "The simulator was told to fail this request with status " + status + ".";
        return SimResponse.error(status, message, type, null, code);
    }

    private static SimResponse rateLimited(String model, RateLimits.Admission admission, boolean retryAfter) {
        boolean requests = admission.rejectedType().equals("requests");
        String dimension = requests ? "requests per min (RPM)" : "tokens per min (TPM)";
        if (admission.tooLarge()) {
            return SimResponse.error(429, "Request too large for " + model + " in organization " + ORGANIZATION
                    + " on " + dimension + ": Limit " + admission.limit() + ", Requested " + admission.requested()
                    + ". The input or output tokens must be reduced in order to run successfully." + RATE_LIMITS_URL,
                    "tokens", null, "rate_limit_exceeded");
        }
        long wait = admission.waitNanos();
        SimResponse limited = SimResponse.error(429, "Rate limit reached for " + model + " in organization " + ORGANIZATION + " on "
                        + dimension + ": Limit " + admission.limit() + ", Used " + admission.used() + ", Requested "
                        + admission.requested() + ". Please try again in " + OpenAiFormat.duration(wait) + "."
                        + RATE_LIMITS_URL, admission.rejectedType(), null, "rate_limit_exceeded");
        return retryAfter ? limited.header("retry-after", Long.toString(OpenAiFormat.retryAfterSeconds(wait)))
                .header("retry-after-ms", Long.toString(OpenAiFormat.ceilMillis(wait))) : limited;
    }

    private static SimResponse withLimitHeaders(SimResponse response, RateLimits.Admission admission) {
        if (admission == null) {
            return response;
        }
        RateLimits.Dimension requests = admission.requests();
        if (requests != null) {
            response.header("x-ratelimit-limit-requests", Long.toString(requests.limit()))
                    .header("x-ratelimit-remaining-requests", Long.toString(requests.remaining()))
                    .header("x-ratelimit-reset-requests", OpenAiFormat.duration(requests.resetNanos()));
        }
        RateLimits.Dimension tokenLimit = admission.tokens();
        if (tokenLimit != null) {
            response.header("x-ratelimit-limit-tokens", Long.toString(tokenLimit.limit()))
                    .header("x-ratelimit-remaining-tokens", Long.toString(tokenLimit.remaining()))
                    .header("x-ratelimit-reset-tokens", OpenAiFormat.duration(tokenLimit.resetNanos()));
        }
        return response;
    }
}
