package dev.evalunit.simulator;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.http.Request;
import dev.evalunit.simulator.AnthropicFormat.Answer;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Answers Anthropic's {@code POST /v1/messages} on the same server as OpenAI's routes, so the built-in simulator
 * answers both providers' models: validation (Anthropic's 400s, and a 400 for {@code temperature}, {@code top_p} or
 * {@code top_k} to a model from Claude Opus 4.7 on), the credit balance, scripted failures, unknown models (404),
 * overload (529), Anthropic's three limits with their headers ({@link AnthropicLimits}), faults, latency, then the
 * answer, written by the same {@link Answerer} as a chat completion of the same conversation. Thread-safe; all
 * mutable state lives in {@link SimulatorState}.
 */
final class Messages {

    /** {@code claude-<family>-<major>[-<minor>]}; a minor of 8 digits is a snapshot's date, not a version. */
    private static final Pattern CLAUDE_VERSION = Pattern.compile("claude-[a-z]+-(\\d+)(?:-(\\d{1,2}))?(?:-.*)?");

    private final SimulatorState state;
    private final ChatCompletions chat;

    Messages(SimulatorState state) {
        this.state = state;
        this.chat = new ChatCompletions(state);
    }

    /**
     * Anthropic's refusal of a request without its headers: 401 {@code authentication_error} without a key, 400
     * without {@code anthropic-version}; {@code null} when both are there. Any key is accepted, in
     * {@code x-api-key} or as {@code Authorization: Bearer}, which anthropic-java 3.16 sends its API key as. Every
     * route of Anthropic's API asks this first.
     */
    static SimResponse unauthorized(Request request) {
        String key = request.getHeader("x-api-key");
        String authorization = request.getHeader("Authorization");
        boolean bearer = authorization != null && authorization.length() > 7
                && authorization.regionMatches(true, 0, "Bearer ", 0, 7) && !authorization.substring(7).isBlank();
        if ((key == null || key.isBlank()) && !bearer) {
            return AnthropicFormat.error(401, "authentication_error", "x-api-key header is required");
        }
        String version = request.getHeader("anthropic-version");
        if (version == null || version.isBlank()) {
            return AnthropicFormat.invalid("anthropic-version: header is required");
        }
        return null;
    }

    SimResponse handle(byte[] rawBody, long nowNanos) {
        SimulatorOptions options = state.options();
        MessagesBody body;
        try {
            body = MessagesBody.parse(rawBody);
        } catch (MessagesBody.Invalid invalid) {
            return AnthropicFormat.invalid(invalid.getMessage());
        }
        String model = body.model();
        SimResponse refused = refused(body, options);
        if (refused != null) {
            return refused.model(model);
        }
        AnthropicLimits limits = state.anthropicLimits();
        AnthropicLimits.Admission admission = limits.admit(model, body.inputTokens(), body.maxTokens(), nowNanos);
        long unixNanos = nowNanos + state.epochOffsetNanos();
        if (!admission.admitted()) {
            return admission.withHeaders(rateLimited(model, admission, options.retryAfter()), unixNanos).model(model);
        }

        Answer answer = answer(body, options);
        SimulatorState.Fault fault = state.drawFault(options);
        long delayMillis = state.drawSlow(options)
                ? options.slowLatency().toMillis() : options.latency().sampleMillis(ThreadLocalRandom.current());
        boolean lost = fault == SimulatorState.Fault.SERVER_ERROR || fault == SimulatorState.Fault.CONNECTION_RESET;
        limits.refundAt(model, nowNanos + delayMillis * 1_000_000, lost ? body.inputTokens() : 0,
                body.maxTokens() - (lost ? 0 : answer.outputTokens()));

        SimResponse response = switch (fault) {
            case SERVER_ERROR -> AnthropicFormat.error(500, "api_error", AnthropicFormat.API_ERROR_MESSAGE);
            case CONNECTION_RESET -> {
                SimResponse reset = AnthropicFormat.ok(new byte[0]);
                reset.fault = Fault.CONNECTION_RESET_BY_PEER;
                yield reset;
            }
            case MALFORMED_BODY, NONE -> {
                state.log().billed(answer.inputTokens(), answer.outputTokens());
                byte[] json = AnthropicFormat.message(AnthropicFormat.messageId(), model, answer);
                yield AnthropicFormat.ok(fault == SimulatorState.Fault.NONE ? json
                        : Arrays.copyOf(json, json.length / 2));
            }
        };
        response.delayMillis = delayMillis;
        return admission.withHeaders(response, unixNanos).model(model);
    }

    /**
     * What refuses a valid request before the limits, in Anthropic's order of checks: the credit balance, a
     * scripted failure, an unknown model, a sampling parameter the model no longer takes, overload; or {@code null}.
     */
    private SimResponse refused(MessagesBody body, SimulatorOptions options) {
        String model = body.model();
        if (options.insufficientQuota()) {
            return creditBalanceTooLow();
        }
        SimulatorState.Scripted scripted = state.nextScripted();
        if (scripted != null) {
            return scripted(scripted, options.retryAfter());
        }
        if (options.unknownModels().contains(model)) {
            return AnthropicFormat.error(404, "not_found_error", "model: " + model);
        }
        if (body.samplingParameter() != null && !takesSampling(model)) {
            return AnthropicFormat.invalid("`" + body.samplingParameter() + "` is deprecated for this model.");
        }
        if (options.overloadedModels().contains(model) || state.drawOverloaded(options)) {
            return AnthropicFormat.error(529, "overloaded_error", AnthropicFormat.OVERLOADED_MESSAGE);
        }
        return null;
    }

    /**
     * The answer to a valid request, as this endpoint and message batches both give it: the text from the
     * configured {@link Answerer}, asked as for a chat completion of the same conversation (the system prompt as its
     * first message), cut at {@code max_tokens} or at the first stop sequence, and the token counts.
     */
    Answer answer(MessagesBody body, SimulatorOptions options) {
        ChatCompletions.Generated generated = chat.generate(new ChatBody(body.request(), false, 0, body.inputTokens()),
                options);
        CompletionBody.Choice choice = generated.choices().get(0);
        String text = choice.text();
        int outputTokens = choice.completionTokens();
        String stopReason = "length".equals(choice.finishReason()) ? "max_tokens" : "end_turn";
        String stopSequence = null;
        int cut = -1;
        for (String sequence : body.stopSequences()) {
            int at = text.indexOf(sequence);
            if (at >= 0 && (cut < 0 || at < cut)) {
                cut = at;
                stopSequence = sequence;
            }
        }
        if (stopSequence != null) {
            text = text.substring(0, cut);
            outputTokens = generated.encoding().countTokensOrdinary(text);
            stopReason = "stop_sequence";
        }
        return new Answer(text, stopReason, stopSequence, body.inputTokens(), outputTokens);
    }

    /**
     * Whether Anthropic's {@code model} still takes {@code temperature}, {@code top_p} and {@code top_k}: every model
     * before Claude Opus 4.7 does; from it on ({@code claude-opus-4-7}, any {@code claude-*-5} and later, Fable,
     * Mythos) Anthropic refuses them.
     */
    static boolean takesSampling(String model) {
        if (model.startsWith("claude-fable") || model.startsWith("claude-mythos")) {
            return false;
        }
        Matcher m = CLAUDE_VERSION.matcher(model);
        if (!m.matches()) {
            return true; // claude-3-5-sonnet and older names, and names that are not Claude's
        }
        int major = Integer.parseInt(m.group(1));
        int minor = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
        return major < 4 || major == 4 && minor < 7;
    }

    /** Anthropic's answer to an organization without credit: a 400, not a 402 or 429. */
    static SimResponse creditBalanceTooLow() {
        return AnthropicFormat.invalid(AnthropicFormat.CREDIT_BALANCE_MESSAGE);
    }

    private static SimResponse scripted(SimulatorState.Scripted scripted, boolean retryAfter) {
        int status = scripted.status();
        SimResponse response;
        if ("insufficient_quota".equals(scripted.code())) {
            response = AnthropicFormat.error(status, status == 402 ? "billing_error" : "invalid_request_error",
                    AnthropicFormat.CREDIT_BALANCE_MESSAGE);
        } else {
            String type = AnthropicFormat.errorType(status, scripted.code());
            response = AnthropicFormat.error(status, type, AnthropicFormat.errorMessage(type));
            if (retryAfter && type.equals("rate_limit_error")) {
                response.header("retry-after", "1");
            }
        }
        for (Map.Entry<String, String> header : scripted.headers().entrySet()) {
            response.header(header.getKey(), header.getValue());
        }
        return response;
    }

    private static SimResponse rateLimited(String model, AnthropicLimits.Admission admission, boolean retryAfter) {
        SimResponse limited = AnthropicFormat.error(429, "rate_limit_error", admission.message(model));
        return retryAfter && !admission.tooLarge() ? limited.header("retry-after",
                Long.toString(OpenAiFormat.retryAfterSeconds(admission.waitNanos()))) : limited;
    }
}
