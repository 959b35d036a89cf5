package dev.evalunit.simulator;

import java.util.Locale;

/**
 * Anthropic's three per-model limits, requests, input tokens and output tokens per minute
 * ({@link SimulatorOptions#anthropicRequestsPerMinute()} and the two token limits), enforced with two
 * {@link RateLimits} of their own, apart from the OpenAI route's: one holds the requests and input tokens, which are
 * charged together, the other the output tokens, charged {@code max_tokens} when a request is admitted and given back
 * what the answer did not use once it is sent, as Anthropic estimates output tokens. Thread-safe, as
 * {@link RateLimits} is.
 *
 * <p>A request is charged all or nothing: the output limit is asked first, then the other two, and a refusal by
 * those gives the output tokens back at once. So a 429 carries the headers of the limits asked up to the one that
 * refused: all three when the request or input limit refused (the output tokens still shown taken, given back by
 * the next answer), only the output tokens' when that limit refused.
 */
final class AnthropicLimits {

    /** One of Anthropic's per-minute limits, named as its headers and 429 messages name it. */
    enum Limit {
        REQUESTS("requests", "requests"),
        INPUT_TOKENS("input-tokens", "input tokens"),
        OUTPUT_TOKENS("output-tokens", "output tokens");

        final String header;
        final String words;

        Limit(String header, String words) {
            this.header = header;
            this.words = words;
        }
    }

    /**
     * The outcome of one admission.
     *
     * @param rejected     {@code null} when admitted, else the limit that refused
     * @param tooLarge     whether the request alone exceeds that limit's per-minute amount
     * @param waitNanos    when refused for lack of capacity, how long until there is enough
     * @param limit        when refused, the per-minute amount of the limit that refused
     * @param requests     the request limit after the decision, or {@code null} when unlimited or not asked
     * @param inputTokens  the input-token limit after the decision, or {@code null} when unlimited or not asked
     * @param outputTokens the output-token limit after the decision, or {@code null} when unlimited
     */
    record Admission(Limit rejected, boolean tooLarge, long waitNanos, long limit, RateLimits.Dimension requests,
                     RateLimits.Dimension inputTokens, RateLimits.Dimension outputTokens) {

        boolean admitted() {
            return rejected == null;
        }

        /**
         * Adds Anthropic's {@code anthropic-ratelimit-*} headers: {@code -limit}, {@code -remaining} and
         * {@code -reset} (the RFC 3339 instant the limit is whole again) of the requests, input tokens and output
         * tokens, and as {@code -tokens-*} the token limit with less remaining.
         *
         * @param unixNanos the time of the response in Unix nanoseconds
         */
        SimResponse withHeaders(SimResponse response, long unixNanos) {
            header(response, Limit.REQUESTS.header, requests, unixNanos);
            header(response, Limit.INPUT_TOKENS.header, inputTokens, unixNanos);
            header(response, Limit.OUTPUT_TOKENS.header, outputTokens, unixNanos);
            RateLimits.Dimension tokens = inputTokens == null ? outputTokens : outputTokens == null ? inputTokens
                    : outputTokens.remaining() < inputTokens.remaining() ? outputTokens : inputTokens;
            header(response, "tokens", tokens, unixNanos);
            return response;
        }

        /** The 429 message, as Anthropic words it, of a request this admission refused. */
        String message(String model) {
            String rate = String.format(Locale.ROOT, "%,d %s per minute", limit, rejected.words);
            String scope = " (org: " + AnthropicFormat.ORGANIZATION + ", model: " + model + ")";
            return tooLarge ? "This request alone exceeds your organization's rate limit of " + rate + scope
                    + ". For details, refer to: https://docs.claude.com/en/api/rate-limits. Please reduce the prompt "
                    + "length or the maximum tokens requested."
                    : "This request would exceed your organization's rate limit of " + rate + scope
                    + ". For details, refer to: https://docs.claude.com/en/api/rate-limits. You can see the response "
                    + "headers for current usage. Please reduce the prompt length or the maximum tokens requested, "
                    + "or try again later.";
        }

        private static void header(SimResponse response, String name, RateLimits.Dimension dimension, long unixNanos) {
            if (dimension == null) {
                return;
            }
            String prefix = "anthropic-ratelimit-" + name + "-";
            response.header(prefix + "limit", Long.toString(dimension.limit()))
                    .header(prefix + "remaining", Long.toString(dimension.remaining()))
                    .header(prefix + "reset", AnthropicFormat.instant(unixNanos + dimension.resetNanos()));
        }
    }

    private final RateLimits requestsAndInput;
    private final RateLimits output;

    AnthropicLimits(SimulatorOptions options) {
        boolean requestsOrInput = options.anthropicRequestsPerMinute() > 0 || options.anthropicInputTokensPerMinute() > 0;
        this.requestsAndInput = requestsOrInput ? new RateLimits(options.toBuilder()
                .requestsPerMinute(options.anthropicRequestsPerMinute())
                .tokensPerMinute(options.anthropicInputTokensPerMinute()).build()) : null;
        this.output = options.anthropicOutputTokensPerMinute() > 0 ? new RateLimits(options.toBuilder()
                .requestsPerMinute(0).tokensPerMinute(options.anthropicOutputTokensPerMinute()).build()) : null;
    }

    /** Charges one request, {@code inputTokens} and {@code maxTokens} output tokens, or nothing and says why not. */
    Admission admit(String model, long inputTokens, long maxTokens, long nowNanos) {
        RateLimits.Admission out = null;
        if (output != null) {
            out = output.admit(model, maxTokens, nowNanos);
            if (!out.admitted()) {
                return new Admission(Limit.OUTPUT_TOKENS, out.tooLarge(), out.waitNanos(), out.limit(), null, null,
                        out.tokens());
            }
        }
        RateLimits.Dimension outputTokens = out == null ? null : out.tokens();
        if (requestsAndInput == null) {
            return new Admission(null, false, 0, 0, null, null, outputTokens);
        }
        RateLimits.Admission in = requestsAndInput.admit(model, inputTokens, nowNanos);
        if (in.admitted()) {
            return new Admission(null, false, 0, 0, in.requests(), in.tokens(), outputTokens);
        }
        if (output != null) {
            output.refundAt(model, nowNanos, maxTokens);
        }
        Limit rejected = in.rejectedType().equals("requests") ? Limit.REQUESTS : Limit.INPUT_TOKENS;
        return new Admission(rejected, in.tooLarge(), in.waitNanos(), in.limit(), in.requests(), in.tokens(),
                outputTokens);
    }

    /** Gives back {@code inputTokens} and {@code outputTokens} of the model's charges once {@code dueNanos} has come. */
    void refundAt(String model, long dueNanos, long inputTokens, long outputTokens) {
        if (requestsAndInput != null) {
            requestsAndInput.refundAt(model, dueNanos, inputTokens);
        }
        if (output != null) {
            output.refundAt(model, dueNanos, outputTokens);
        }
    }
}
