package dev.evalunit.config;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * Prices by model name, with dated snapshots ({@code gpt-4o-mini-2024-07-18}) priced as their model.
 * Immutable; {@link #with} returns a copy. Override or add prices with
 * {@code evalunit.prices.<model>.input|cached-input|output|batch-discount}.
 *
 * @param prices model name to price
 */
@API(status = STABLE, since = "0.1")
public record PriceTable(Map<String, ModelPrice> prices) {

    /** The date the {@link #defaults()} were copied from https://openai.com/api/pricing/ (standard tier). */
    public static final String DEFAULTS_AS_OF = "2025-08-07";

    private static final double OPENAI_BATCH_DISCOUNT = 0.5;
    private static final double ANTHROPIC_BATCH_DISCOUNT = 0.5;

    /** The date Anthropic's {@link #defaults()} were copied from its pricing page. */
    public static final String ANTHROPIC_AS_OF = "2025-11-24";

    public PriceTable {
        prices = Map.copyOf(Objects.requireNonNull(prices, "prices"));
    }

    /**
     * OpenAI's list prices in US dollars per million tokens, standard tier, as of {@value #DEFAULTS_AS_OF};
     * input / cached input / output, with the Batch API's 50% discount on each; and Anthropic's, as of
     * {@value #ANTHROPIC_AS_OF}, under the names a run gives them ({@code anthropic:claude-haiku-4-5}), with Message
     * Batches' 50% discount. {@code evalunit.prices.<model>.input} and {@code .output} add or replace an entry.
     */
    public static PriceTable defaults() {
        Map<String, ModelPrice> p = new HashMap<>();
        p.put("gpt-4o-mini", openai(0.15, 0.075, 0.60));
        p.put("gpt-4o", openai(2.50, 1.25, 10.00));
        p.put("gpt-4.1", openai(2.00, 0.50, 8.00));
        p.put("gpt-4.1-mini", openai(0.40, 0.10, 1.60));
        p.put("gpt-4.1-nano", openai(0.10, 0.025, 0.40));
        p.put("gpt-3.5-turbo", openai(0.50, 0.50, 1.50));
        p.put("o3-mini", openai(1.10, 0.55, 4.40));
        p.put("o4-mini", openai(1.10, 0.275, 4.40));
        p.put("gpt-5", openai(1.25, 0.125, 10.00));
        p.put("gpt-5-mini", openai(0.25, 0.025, 2.00));
        // Anthropic's, from https://www.anthropic.com/pricing#api as of ANTHROPIC_AS_OF: input / cache
        // read / output, Message Batches at half price
        p.put("anthropic:claude-haiku-4-5", anthropic(1.00, 0.10, 5.00));
        p.put("anthropic:claude-sonnet-4-5", anthropic(3.00, 0.30, 15.00));
        p.put("anthropic:claude-sonnet-4", anthropic(3.00, 0.30, 15.00));
        p.put("anthropic:claude-opus-4-5", anthropic(5.00, 0.50, 25.00));
        p.put("anthropic:claude-opus-4-1", anthropic(15.00, 1.50, 75.00));
        p.put("anthropic:claude-3-5-haiku", anthropic(0.80, 0.08, 4.00));
        return new PriceTable(p);
    }

    /**
     * The price of {@code model}: its own entry, else the entry of the longest key that {@code model}
     * starts with followed by {@code -}. So {@code gpt-4o-mini-2024-07-18} is priced as
     * {@code gpt-4o-mini}, while {@code gpt-4o-mini} is never priced as {@code gpt-4o}.
     */
    public Optional<ModelPrice> forModel(String model) {
        ModelPrice exact = prices.get(model);
        if (exact != null) {
            return Optional.of(exact);
        }
        String bestKey = null;
        for (String key : prices.keySet()) {
            if (model.length() > key.length() && model.startsWith(key) && model.charAt(key.length()) == '-'
                    && (bestKey == null || key.length() > bestKey.length())) {
                bestKey = key;
            }
        }
        return Optional.ofNullable(bestKey).map(prices::get);
    }

    /** A copy with {@code model} priced at {@code price}, replacing any entry it had. */
    public PriceTable with(String model, ModelPrice price) {
        Map<String, ModelPrice> copy = new HashMap<>(prices);
        copy.put(Objects.requireNonNull(model, "model"), Objects.requireNonNull(price, "price"));
        return new PriceTable(copy);
    }

    private static ModelPrice anthropic(double input, double cacheRead, double output) {
        return new ModelPrice(input, cacheRead, output, ANTHROPIC_BATCH_DISCOUNT);
    }

    private static ModelPrice openai(double input, double cachedInput, double output) {
        return new ModelPrice(input, cachedInput, output, OPENAI_BATCH_DISCOUNT);
    }
}
