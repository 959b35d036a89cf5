package dev.evalunit.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PriceTableTests {

    private final PriceTable table = PriceTable.defaults();

    @ParameterizedTest(name = "{0} is priced as {1}")
    @CsvSource({
            "gpt-4o-mini,            gpt-4o-mini",
            "gpt-4o-mini-2024-07-18, gpt-4o-mini",
            "gpt-4o,                 gpt-4o",
            "gpt-4o-2024-08-06,      gpt-4o",
            "gpt-4.1-mini-2025-04-14, gpt-4.1-mini",
            "gpt-4.1-2025-04-14,     gpt-4.1",
            "gpt-4.1-nano,           gpt-4.1-nano",
            "o3-mini-2025-01-31,     o3-mini",
            "gpt-5-mini-2025-08-07,  gpt-5-mini",
            "gpt-5-2025-08-07,       gpt-5",
    })
    void matchesExactlyOrByLongestDashPrefix(String model, String pricedAs) {
        assertThat(table.forModel(model)).isEqualTo(table.forModel(pricedAs)).isPresent();
        assertThat(table.forModel(model)).containsSame(table.prices().get(pricedAs));
    }

    @Test
    void theLongestMatchWinsAndAPrefixWithoutDashDoesNotMatch() {
        assertThat(table.forModel("gpt-4o-mini")).as("not gpt-4o").contains(new ModelPrice(0.15, 0.075, 0.60, 0.5));
        assertThat(table.forModel("gpt-4o-mini-2024-07-18")).as("not gpt-4o").contains(new ModelPrice(0.15, 0.075, 0.60, 0.5));

        PriceTable onlyGpt4o = new PriceTable(Map.of("gpt-4o", table.prices().get("gpt-4o")));
        assertThat(onlyGpt4o.forModel("gpt-4o-mini")).as("without its own entry a dash-suffixed name takes its stem's price")
                .contains(table.prices().get("gpt-4o"));
        assertThat(table.forModel("gpt-4omni")).isEmpty();
        assertThat(table.forModel("gpt-5x")).isEmpty();
        assertThat(table.forModel("o3")).isEmpty();
        assertThat(table.forModel("claude-3")).isEmpty();
    }

    @Test
    void anthropicsModelsArePricedUnderTheirRunNamesAtHalfPriceInBatches() {
        // https://www.anthropic.com/pricing#api: Haiku 4.5 $1 / MTok input, $0.10 cache reads, $5 output;
        // Message Batches 50% off
        ModelPrice haiku = table.forModel("anthropic:claude-haiku-4-5-20251001").orElseThrow();

        assertThat(haiku).isEqualTo(new ModelPrice(1.00, 0.10, 5.00, 0.5));
        // 2,000 prompt tokens of which 1,000 read from the cache, 500 output:
        // 1000 * 1.00 + 1000 * 0.10 + 500 * 5.00 = 1000 + 100 + 2500 = 3600 per million
        assertThat(haiku.cost(2000, 1000, 500, false)).isCloseTo(3600e-6, within(1e-15));
        assertThat(haiku.cost(2000, 1000, 500, true)).isCloseTo(1800e-6, within(1e-15));
        assertThat(table.forModel("claude-haiku-4-5")).as("without its provider, the name is another model's").isEmpty();
    }

    @Test
    void defaultsAreOpenAiListPrices() {
        assertThat(table.prices().keySet().stream().filter(m -> !m.startsWith("anthropic:"))).hasSize(10);
        assertThat(table.prices().get("gpt-4o")).isEqualTo(new ModelPrice(2.50, 1.25, 10.00, 0.5));
        assertThat(table.prices().get("gpt-3.5-turbo")).isEqualTo(new ModelPrice(0.50, 0.50, 1.50, 0.5));
        assertThat(table.prices().get("o4-mini")).isEqualTo(new ModelPrice(1.10, 0.275, 4.40, 0.5));
        assertThat(table.prices().get("gpt-5")).isEqualTo(new ModelPrice(1.25, 0.125, 10.00, 0.5));
        assertThat(table.prices().values()).allSatisfy(p -> assertThat(p.batchDiscount()).isEqualTo(0.5));
    }

    @Test
    void withReturnsACopy() {
        ModelPrice custom = new ModelPrice(1, 0.5, 2, 0);
        PriceTable changed = table.with("my-model", custom);

        assertThat(changed.forModel("my-model-v2")).contains(custom);
        assertThat(table.forModel("my-model")).isEmpty();
    }

    @Test
    void costBillsUncachedCachedAndOutputTokens() {
        ModelPrice gpt4oMini = table.prices().get("gpt-4o-mini");

        assertThat(gpt4oMini.cost(1_000_000, 0, 0, false)).isCloseTo(0.15, within(1e-12));
        assertThat(gpt4oMini.cost(0, 0, 1_000_000, false)).isCloseTo(0.60, within(1e-12));
        // 1000 prompt tokens of which 400 cached, 200 completion tokens:
        // 600 * 0.15 + 400 * 0.075 + 200 * 0.60 = 90 + 30 + 120 = 240 per million
        assertThat(gpt4oMini.cost(1000, 400, 200, false)).isCloseTo(240e-6, within(1e-15));
    }

    @Test
    void batchMultipliesByOneMinusDiscount() {
        ModelPrice gpt4o = table.prices().get("gpt-4o");

        assertThat(gpt4o.cost(2000, 1000, 500, true)).isCloseTo(gpt4o.cost(2000, 1000, 500, false) * 0.5, within(1e-15));
        assertThat(new ModelPrice(1, 1, 1, 0).cost(1_000_000, 0, 0, true)).isEqualTo(1.0);
        assertThat(new ModelPrice(1, 1, 1, 0.25).cost(1_000_000, 0, 0, true)).isEqualTo(0.75);
    }

    @Test
    void rejectsImpossibleTokenCountsAndPrices() {
        ModelPrice price = table.prices().get("gpt-4o");

        assertThatIllegalArgumentException().isThrownBy(() -> price.cost(10, 11, 0, false))
                .withMessage("cachedTokens are part of promptTokens, so cannot exceed them: cached=11 prompt=10");
        assertThatIllegalArgumentException().isThrownBy(() -> price.cost(-1, 0, 0, false));
        assertThatIllegalArgumentException().isThrownBy(() -> new ModelPrice(-1, 0, 0, 0))
                .withMessage("inputPerMillion must be a number >= 0 but was -1.0");
        assertThatIllegalArgumentException().isThrownBy(() -> new ModelPrice(1, 1, 1, 1.5));
        assertThatIllegalArgumentException().isThrownBy(() -> new ModelPrice(Double.NaN, 1, 1, 0));
    }
}
