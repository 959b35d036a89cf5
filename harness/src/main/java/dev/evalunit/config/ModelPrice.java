package dev.evalunit.config;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * What one model costs, in US dollars per million tokens. Immutable.
 *
 * @param inputPerMillion       uncached prompt tokens
 * @param cachedInputPerMillion prompt tokens served from OpenAI's prompt cache
 * @param outputPerMillion      completion tokens (reasoning tokens included)
 * @param batchDiscount         the fraction the Batch API takes off, 0..1 (OpenAI: 0.5)
 */
@API(status = STABLE, since = "0.1")
public record ModelPrice(double inputPerMillion, double cachedInputPerMillion, double outputPerMillion,
                         double batchDiscount) {

    private static final double MILLION = 1_000_000.0;

    public ModelPrice {
        nonNegative("inputPerMillion", inputPerMillion);
        nonNegative("cachedInputPerMillion", cachedInputPerMillion);
        nonNegative("outputPerMillion", outputPerMillion);
        Checks.range("batchDiscount", batchDiscount, 0.0, 1.0);
    }

    /**
     * The cost in US dollars of one request.
     *
     * @param promptTokens     all prompt tokens, as {@code usage.prompt_tokens}
     * @param cachedTokens     the part of {@code promptTokens} that was cached ({@code prompt_tokens_details.cached_tokens}),
     *                         billed at the cached price instead of the input price
     * @param completionTokens {@code usage.completion_tokens}
     * @param batch            whether it went through the Batch API, which multiplies the cost by {@code 1 - batchDiscount}
     */
    public double cost(long promptTokens, long cachedTokens, long completionTokens, boolean batch) {
        if (promptTokens < 0 || cachedTokens < 0 || completionTokens < 0) {
            throw new IllegalArgumentException("token counts must be >= 0 but were prompt=" + promptTokens
                    + " cached=" + cachedTokens + " completion=" + completionTokens);
        }
        if (cachedTokens > promptTokens) {
            throw new IllegalArgumentException("cachedTokens are part of promptTokens, so cannot exceed them: cached="
                    + cachedTokens + " prompt=" + promptTokens);
        }
        double dollars = ((promptTokens - cachedTokens) * inputPerMillion
                + cachedTokens * cachedInputPerMillion
                + completionTokens * outputPerMillion) / MILLION;
        return batch ? dollars * (1.0 - batchDiscount) : dollars;
    }

    private static void nonNegative(String name, double value) {
        if (!(value >= 0.0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be a number >= 0 but was " + value);
        }
    }
}
