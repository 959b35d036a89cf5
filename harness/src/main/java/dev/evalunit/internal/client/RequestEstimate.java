package dev.evalunit.internal.client;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.evalunit.ChatRequest;
import dev.evalunit.ErrorKind;
import dev.evalunit.LlmException;
import dev.evalunit.config.ModelPrice;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * What a request may cost before it is sent: its prompt counted with jtokkit, and every answer as long
 * as it is allowed to be ({@code maxTokens}, or {@value #DEFAULT_COMPLETION_RESERVE} tokens when the
 * request sets none). The token bucket reserves {@link #tokens()}, the budget {@link #costUsd}, and the
 * Batch API's routing and reservations price the same numbers at the batch discount; the response's
 * usage corrects them. Immutable.
 *
 * @param promptTokens      the prompt's tokens as counted
 * @param completionReserve the completion tokens reserved for all its choices
 */
@API(status = INTERNAL, since = "0.1")
public record RequestEstimate(int promptTokens, long completionReserve) {

    /** Completion tokens reserved for each choice of a request that sets no {@code maxTokens}. */
    public static final int DEFAULT_COMPLETION_RESERVE = 256;

    /** The estimate of {@code request} addressed to {@code model}. */
    public static RequestEstimate of(String model, ChatRequest request) {
        int prompt = TokenEstimator.shared().countMessages(model, request.messages());
        long each = request.maxTokens() != null ? request.maxTokens() : DEFAULT_COMPLETION_RESERVE;
        return new RequestEstimate(prompt, request.n() * each);
    }

    /** Prompt and completion tokens together: what a tokens-per-minute limit counts. */
    public long tokens() {
        return promptTokens + completionReserve;
    }

    /** The most it may cost in US dollars, at the batch price when {@code batch}; 0 without a price. */
    public double costUsd(Optional<ModelPrice> price, boolean batch) {
        return price.map(p -> p.cost(promptTokens, 0, completionReserve, batch)).orElse(0.0);
    }

    /** This estimate and {@code other} together, e.g. the requests of one batch. */
    public RequestEstimate plus(RequestEstimate other) {
        return new RequestEstimate(Math.addExact(promptTokens, other.promptTokens),
                completionReserve + other.completionReserve);
    }

    /** The failure of a budget that cannot be kept: {@code evalunit.budget.usd} is set and {@code model} has no price. */
    public static LlmException unpriced(String model) {
        return LlmException.of(ErrorKind.INVALID_REQUEST, model, 0, 0, null, null, null,
                "evalunit.budget.usd is set but the price table has no entry for " + model
                        + "; set evalunit.prices." + model + ".input and evalunit.prices." + model + ".output", null);
    }
}
